package dev.learnedcost.calcite;

import java.util.Objects;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.interpreter.BindableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.convert.Converter;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Intersect;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Sample;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMdRowCount;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Learned {@code RowCount}: the stock estimate of {@link RelMdRowCount}, times the model's row
 * correction for the node's scope.
 *
 * <p>It extends {@link RelMdRowCount} because Calcite dispatches to the most specific method: a
 * handler with only the catch-all would never see a Join, Filter, Aggregate or TableScan. The
 * methods overridden here are those where the stock answer is an estimate (scans, filters,
 * joins, aggregates, intersect, minus, sample, and the catch-all, which covers correlates and
 * other engines' nodes). Nodes whose row count follows from their inputs (projects, sorts,
 * converters, unions, {@code RelSubset}) inherit the stock method: their inputs are corrected
 * already, and correcting them again would compound the correction.
 *
 * <p>Fragments pushed to another engine are the exception: a converter out of a foreign
 * convention (such as {@code JdbcToEnumerableConverter} above a JDBC fragment that H2 runs) is
 * corrected as one scan, and the foreign nodes inside it keep their stock estimates. The
 * converter is the node whose actual rows the plugin can observe (the database reports nothing
 * about the nodes inside), so it is where the correction is trained and applied; correcting
 * the inside too would compound the two.
 *
 * <p>Public because Janino-generated code calls it; built by {@link LoraMetadataProvider}.
 */
public final class LoraMdRowCount extends RelMdRowCount {
  private final LoraCostModel model;

  /** Creates the handler for a model. */
  public LoraMdRowCount(LoraCostModel model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  private @Nullable Double learned(RelNode rel, RelMetadataQuery mq, @Nullable Double base) {
    if (base == null) {
      return null;
    }
    double b = base;
    double v = model.correctRows(rel, mq, b);
    return v == b ? base : Double.valueOf(v);
  }

  @Override
  public @Nullable Double getRowCount(RelNode rel, RelMetadataQuery mq) {
    return learned(rel, mq, super.getRowCount(rel, mq));
  }

  @Override
  public @Nullable Double getRowCount(TableScan rel, RelMetadataQuery mq) {
    return learned(rel, mq, super.getRowCount(rel, mq));
  }

  @Override
  public @Nullable Double getRowCount(Filter rel, RelMetadataQuery mq) {
    return learned(rel, mq, super.getRowCount(rel, mq));
  }

  /**
   * A Calc with a condition is corrected like a filter; one without is a projection (what an
   * {@code EnumerableProject} becomes after the Volcano phase), whose rows follow from its
   * input like a Project's: correcting it would give the finished plan other row counts than
   * the plan the planner chose, and an adapter trained there learns nothing but its input's
   * current error (measured in the evaluation: a median Project q-error of 4,000 after
   * learning, against 3.6 stock).
   */
  @Override
  public @Nullable Double getRowCount(Calc rel, RelMetadataQuery mq) {
    Double base = super.getRowCount(rel, mq);
    return rel.getProgram().getCondition() == null ? base : learned(rel, mq, base);
  }

  @Override
  public @Nullable Double getRowCount(Join rel, RelMetadataQuery mq) {
    return learned(rel, mq, super.getRowCount(rel, mq));
  }

  @Override
  public @Nullable Double getRowCount(Aggregate rel, RelMetadataQuery mq) {
    return learned(rel, mq, super.getRowCount(rel, mq));
  }

  @Override
  public @Nullable Double getRowCount(Intersect rel, RelMetadataQuery mq) {
    return learned(rel, mq, super.getRowCount(rel, mq));
  }

  @Override
  public @Nullable Double getRowCount(Minus rel, RelMetadataQuery mq) {
    return learned(rel, mq, super.getRowCount(rel, mq));
  }

  @Override
  public @Nullable Double getRowCount(Sample rel, RelMetadataQuery mq) {
    return learned(rel, mq, super.getRowCount(rel, mq));
  }

  /** Converters out of a foreign engine are corrected as a scan; other single inputs as stock. */
  @Override
  public @Nullable Double getRowCount(SingleRel rel, RelMetadataQuery mq) {
    Double base = super.getRowCount(rel, mq);
    return isForeignBoundary(rel) ? learned(rel, mq, base) : base;
  }

  /**
   * Whether {@code rel} converts the output of another engine (its input's convention is neither
   * Enumerable, Bindable nor none, the logical one): the node that stands for a pushed fragment.
   */
  static boolean isForeignBoundary(RelNode rel) {
    if (!(rel instanceof Converter) || rel.getInputs().size() != 1) {
      return false;
    }
    Convention in = rel.getInput(0).getConvention();
    return in != null && in != Convention.NONE && in != EnumerableConvention.INSTANCE
        && in != BindableConvention.INSTANCE;
  }
}
