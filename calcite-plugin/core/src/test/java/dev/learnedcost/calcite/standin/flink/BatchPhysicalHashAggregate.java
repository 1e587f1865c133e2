package dev.learnedcost.calcite.standin.flink;

/** Stand-in named like Flink's node of the same name. */
public abstract class BatchPhysicalHashAggregate extends dev.learnedcost.calcite.standin.StandIn {
  protected BatchPhysicalHashAggregate() {
    super();
  }
}
