package dev.learnedcost.calcite.standin.acme;

import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.type.RelDataType;

/** A database's own node that only its {@link AcmeScopeMapping} knows. */
public final class AcmeVectorScan extends AbstractRelNode {
  private final RelDataType rowType;

  public AcmeVectorScan(RelOptCluster cluster, RelTraitSet traits, RelDataType rowType) {
    super(cluster, traits);
    this.rowType = rowType;
  }

  @Override
  protected RelDataType deriveRowType() {
    return rowType;
  }
}
