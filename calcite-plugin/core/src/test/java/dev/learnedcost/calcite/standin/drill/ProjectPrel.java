package dev.learnedcost.calcite.standin.drill;

/** Stand-in named like Drill's node of the same name. */
public abstract class ProjectPrel extends dev.learnedcost.calcite.standin.StandIn {
  protected ProjectPrel() {
    super();
  }
}
