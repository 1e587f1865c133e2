package dev.learnedcost.calcite.standin.ignite;

/** Stand-in named like Ignite's node of the same name. */
public abstract class IgniteHashJoin extends dev.learnedcost.calcite.standin.StandIn {
  protected IgniteHashJoin() {
    super();
  }
}
