package dev.learnedcost.calcite;

/** How the regression guard decided to plan one execution of a query. */
public enum PlanChoice {
  /** With the learned corrections. */
  LEARNED(false),
  /** With stock costs, because the query had no stock baseline yet. */
  STOCK_BASELINE(true),
  /** With stock costs, because its learned plan was slower than its stock plan. */
  STOCK_GUARDED(true),
  /** With stock costs, as the periodic exploration that keeps the baseline fresh. */
  STOCK_EXPLORE(true);

  private final boolean stock;

  PlanChoice(boolean stock) {
    this.stock = stock;
  }

  /** Returns whether this choice plans with stock costs. */
  public boolean isStock() {
    return stock;
  }
}
