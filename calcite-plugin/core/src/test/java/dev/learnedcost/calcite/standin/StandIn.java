package dev.learnedcost.calcite.standin;

import org.apache.calcite.rel.AbstractRelNode;

/**
 * Base of classes named like other engines' physical nodes; only their class names matter, so
 * they are never instantiated.
 */
public abstract class StandIn extends AbstractRelNode {
  protected StandIn() {
    super(null, null);
  }
}
