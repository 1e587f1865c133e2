package dev.learnedcost.calcite.internal;

import java.util.List;
import org.apache.calcite.plan.hep.HepRelVertex;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.BiRel;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.convert.Converter;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexLocalRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.Sarg;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Turns a {@link RelNode} and its metadata into the {@code float[dim]} the adapters read.
 *
 * <h2>Layout</h2>
 * <pre>
 * dim  name              value (log is natural unless said)
 *  0   READOUT_ROWS      0: the adapter writes ln(row correction) here
 *  1   READOUT_COST      0: the adapter writes ln(cost correction) here
 *  2   BIAS              2
 *  3   ROWS              0.5 * log10(1 + estimated output rows)
 *  4   INPUT_ROWS        0.5 * log10(1 + sum of the inputs' row counts)
 *  5   MAX_INPUT_ROWS    0.5 * log10(1 + largest input's rows)
 *  6   MIN_INPUT_ROWS    0.5 * log10(1 + smallest input's rows), 0 with fewer than 2 inputs
 *  7   SELECTIVITY       0.5 * log10((1 + rows) / (1 + input rows)), within [-1.5, 1.5]; 0 for leaves
 *  8   ROW_WIDTH         0.5 * log2(1 + output fields)
 *  9   INPUTS            0.5 * number of inputs
 * 10   KEYS              0.5 * log2(1 + keys): join equalities, group keys, sort keys
 * 11   AGG_CALLS         0.5 * log2(1 + aggregate calls)
 * 12   PREDICATE_TERMS   0.5 * log2(1 + conjuncts of the filter or join condition)
 * 13   FETCH             0.5 * log10(1 + fetch + offset) when a literal fetch is set, else 0
 * 14   JOIN_TYPE         inner 0, left/right 0.5, full 1, semi -0.5, anti -1; 0 for non-joins
 * 15   NON_EQUI_TERMS    0.5 * log2(1 + join conjuncts that are not column equalities)
 * 16.. IDENTITY          signed feature hashing, 2 per token: qualified table names (of a scan,
 *                        or of the scan under a converter such as JdbcToEnumerableConverter),
 *                        the names of the columns in filter and join conditions, group keys
 *                        and sort keys, and one token per equality of a column with literals
 *                        (column and values: {@code cu_segment = 'RETAIL'}, an IN list); the
 *                        filters of a fragment pushed under a converter count as the
 *                        converter's; dim - 16 buckets (48 at the default 64)
 * </pre>
 *
 * <h2>Literal tokens</h2>
 * Stock Calcite guesses 15% for every equality, whatever the value; in a parameterized workload
 * the same predicate keeps 1% for one value and 99% for another. Without the value in the
 * embedding both instances embed alike and the adapter can only learn their average (or, at a
 * high learning rate, chase the latest one). Equalities and IN lists get a token of column and
 * values; ranges do not (a date bound rarely repeats, so its token would only add noise).
 * Layout 1 had no literal tokens and no fragment filters.
 *
 * <h2>Why these scales</h2>
 * The engine learns fastest when {@code |x|} is about 3 to 6 (ten steps at learning rate 1 reach
 * a target within 1%; at {@code |x| = 1} learning is very slow). The bias of 2, half-decades of
 * rows and an identity weight of 2 put typical nodes there: a 100-row scan of an 8-column table
 * has {@code |x|} of about 3.4 (bias 2, rows 1.0, width 1.6, one table token 2); joins, with
 * input rows, keys and column tokens, land between 4 and 6. Identity weights as large as the bias let one
 * table's correction be learned apart from another's: the adapter can turn its projection
 * towards that table's bucket.
 *
 * <h2>Properties</h2>
 * Deterministic (hashes are {@link String#hashCode()} mixed with a fixed finaliser). Written
 * to allocate nothing of its own (primitive loops over Calcite's existing lists), except for the
 * input list of nodes with three or more inputs and the value of a literal fetch; not yet
 * confirmed with JMH {@code -prof gc}, and Calcite's metadata calls box their answers.
 * Thread-safe: the instance holds no mutable state.
 */
public final class CostEmbedding {
  /**
   * Version of the layout below. Saved with learned state: adapters trained on one layout mean
   * nothing on another, so state of another layout is refused when loaded.
   */
  public static final int LAYOUT_VERSION = 2;

  /** Output dimension holding ln(row correction); 0 in every embedding. */
  public static final int READOUT_ROWS = 0;
  /** Output dimension holding ln(cost correction); 0 in every embedding. */
  public static final int READOUT_COST = 1;
  /** Constant feature. */
  public static final int BIAS = 2;
  /** Estimated output rows. */
  public static final int ROWS = 3;
  /** Sum of the inputs' rows. */
  public static final int INPUT_ROWS = 4;
  /** Largest input's rows. */
  public static final int MAX_INPUT_ROWS = 5;
  /** Smallest input's rows (two or more inputs). */
  public static final int MIN_INPUT_ROWS = 6;
  /** Output rows over input rows. */
  public static final int SELECTIVITY = 7;
  /** Output fields. */
  public static final int ROW_WIDTH = 8;
  /** Number of inputs. */
  public static final int INPUTS = 9;
  /** Join equalities, group keys or sort keys. */
  public static final int KEYS = 10;
  /** Aggregate calls. */
  public static final int AGG_CALLS = 11;
  /** Conjuncts of the condition. */
  public static final int PREDICATE_TERMS = 12;
  /** Literal fetch plus offset. */
  public static final int FETCH = 13;
  /** Join type code. */
  public static final int JOIN_TYPE = 14;
  /** Join conjuncts that are not column equalities. */
  public static final int NON_EQUI_TERMS = 15;
  /** Numeric dimensions; identity buckets start here. */
  public static final int NUMERIC_DIMS = 16;
  /** First identity bucket. */
  public static final int IDENTITY_START = NUMERIC_DIMS;
  /** Smallest supported dimension (16 identity buckets). */
  public static final int MIN_DIM = 32;
  /** Largest supported dimension (the engine's limit). */
  public static final int MAX_DIM = 256;

  /** Value of the bias feature. */
  public static final float BIAS_VALUE = 2f;
  /** Weight of one hashed identity token. */
  public static final float IDENTITY_WEIGHT = 2f;

  private static final int TABLE_SALT = 0x5bd1e995;
  private static final int COLUMN_SALT = 0x27d4eb2f;
  private static final int LITERAL_SALT = 0x165667b1;
  private static final int MAX_DEPTH = 8;
  private static final double INV_LN10 = 1.0 / Math.log(10);
  private static final double INV_LN2 = 1.0 / Math.log(2);

  private final int dim;
  private final int buckets;
  private final boolean biasOnly;

  /**
   * Creates an embedding of {@code dim} dimensions.
   *
   * @throws IllegalArgumentException unless {@code dim} is in 32..256
   */
  public CostEmbedding(int dim) {
    this(dim, false);
  }

  /**
   * Creates an embedding of {@code dim} dimensions that, with {@code biasOnly}, writes the bias
   * feature alone for every node (the ablation of {@link LoraConfig.Builder#biasOnly}).
   *
   * @throws IllegalArgumentException unless {@code dim} is in 32..256
   */
  public CostEmbedding(int dim, boolean biasOnly) {
    if (dim < MIN_DIM || dim > MAX_DIM) {
      throw new IllegalArgumentException(
          "dim must be in " + MIN_DIM + ".." + MAX_DIM + ", got " + dim);
    }
    this.dim = dim;
    this.buckets = dim - IDENTITY_START;
    this.biasOnly = biasOnly;
  }

  /** Returns the dimension. */
  public int dim() {
    return dim;
  }

  /**
   * Writes the embedding of {@code rel} into {@code out}, overwriting every element.
   *
   * @param rel the node
   * @param mq metadata for the inputs' row counts
   * @param rows the node's estimated output rows (NaN or negative counts as 0)
   * @param out receives the embedding; length {@link #dim()}
   * @throws IllegalArgumentException if {@code out} has the wrong length
   */
  public void embed(RelNode rel, RelMetadataQuery mq, double rows, float[] out) {
    if (out.length != dim) {
      throw new IllegalArgumentException(
          "out length must equal dim (" + dim + "), got " + out.length);
    }
    java.util.Arrays.fill(out, 0f);
    out[BIAS] = BIAS_VALUE;
    if (biasOnly) {
      return;
    }
    double r = rows >= 0 && !Double.isInfinite(rows) ? rows : 0.0;
    out[ROWS] = halfLog10(r);
    double sum = 0;
    double max = 0;
    double min = Double.POSITIVE_INFINITY;
    int n;
    if (rel instanceof SingleRel s) {
      n = 1;
      double v = rowsOf(mq, s.getInput());
      sum = v;
      max = v;
      min = v;
    } else if (rel instanceof BiRel b) {
      n = 2;
      double l = rowsOf(mq, b.getLeft());
      double rr = rowsOf(mq, b.getRight());
      sum = l + rr;
      max = Math.max(l, rr);
      min = Math.min(l, rr);
    } else if (rel instanceof RelSubset || rel instanceof HepRelVertex) {
      n = 0;
    } else {
      List<RelNode> inputs = rel.getInputs();
      n = inputs.size();
      for (int i = 0; i < n; i++) {
        double v = rowsOf(mq, inputs.get(i));
        sum += v;
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
    }
    if (n > 0) {
      out[INPUT_ROWS] = halfLog10(sum);
      out[MAX_INPUT_ROWS] = halfLog10(max);
      if (n >= 2) {
        out[MIN_INPUT_ROWS] = halfLog10(min);
      }
      double ratio = Math.log((r + 1.0) / (sum + 1.0)) * INV_LN10;
      out[SELECTIVITY] = (float) (0.5 * Math.max(-3.0, Math.min(3.0, ratio)));
    }
    out[ROW_WIDTH] = halfLog2(rel.getRowType().getFieldCount());
    out[INPUTS] = 0.5f * n;

    if (rel instanceof Join join) {
      embedJoin(join, out);
    } else if (rel instanceof Aggregate agg) {
      ImmutableBitSet keys = agg.getGroupSet();
      out[KEYS] = halfLog2(keys.cardinality());
      out[AGG_CALLS] = halfLog2(agg.getAggCallList().size());
      List<RelDataTypeField> fields = agg.getInput().getRowType().getFieldList();
      for (int i = keys.nextSetBit(0); i >= 0; i = keys.nextSetBit(i + 1)) {
        token(out, COLUMN_SALT, fields.get(i).getName().hashCode());
      }
    } else if (rel instanceof Filter filter) {
      RexNode cond = filter.getCondition();
      out[PREDICATE_TERMS] = halfLog2(conjuncts(cond));
      columns(cond, filter.getInput().getRowType().getFieldList(), null, null, out, 0);
    } else if (rel instanceof Calc calc) {
      RexProgram program = calc.getProgram();
      RexLocalRef cond = program.getCondition();
      if (cond != null) {
        RexNode expanded = program.getExprList().get(cond.getIndex());
        out[PREDICATE_TERMS] = halfLog2(conjuncts(expanded));
        columns(expanded, program.getInputRowType().getFieldList(), null, program, out, 0);
      }
    } else if (rel instanceof Sort sort) {
      embedSortKeys(sort.getCollation(), rel, out);
      out[FETCH] = fetch(sort.offset, sort.fetch);
    } else if (rel instanceof org.apache.calcite.adapter.enumerable.EnumerableLimit limit) {
      out[FETCH] = fetch(limit.offset, limit.fetch);
    }
    tables(rel, out, 0);
  }

  private void embedJoin(Join join, float[] out) {
    out[JOIN_TYPE] = switch (join.getJoinType()) {
      case INNER -> 0f;
      case FULL -> 1f;
      case SEMI -> -0.5f;
      case ANTI -> -1f;
      default -> 0.5f; // LEFT, RIGHT and the as-of joins keep one side whole
    };
    RexNode cond = join.getCondition();
    int terms = conjuncts(cond);
    int equi = equalities(cond);
    out[PREDICATE_TERMS] = halfLog2(terms);
    out[KEYS] = halfLog2(equi);
    out[NON_EQUI_TERMS] = halfLog2(Math.max(0, terms - equi));
    if (!isTrueLiteral(cond)) {
      columns(cond, join.getLeft().getRowType().getFieldList(),
          join.getRight().getRowType().getFieldList(), null, out, 0);
    }
  }

  private void embedSortKeys(RelCollation collation, RelNode rel, float[] out) {
    List<RelFieldCollation> keys = collation.getFieldCollations();
    out[KEYS] = halfLog2(keys.size());
    List<RelDataTypeField> fields = rel.getRowType().getFieldList();
    for (int i = 0; i < keys.size(); i++) {
      int idx = keys.get(i).getFieldIndex();
      if (idx < fields.size()) {
        token(out, COLUMN_SALT, fields.get(idx).getName().hashCode());
      }
    }
  }

  /** Adds the table tokens of a scan, or of the scan under a chain of converters. */
  private void tables(RelNode rel, float[] out, int depth) {
    RelOptTable table = rel.getTable();
    if (table != null) {
      List<String> names = table.getQualifiedName();
      int h = 0;
      for (int i = 0; i < names.size(); i++) {
        h = 31 * h + names.get(i).hashCode();
      }
      token(out, TABLE_SALT, h);
      return;
    }
    if (depth >= MAX_DEPTH) {
      return;
    }
    if (depth == 0 && !(rel instanceof Converter)) {
      return;
    }
    RelNode below = unwrap(rel instanceof SingleRel s ? s.getInput() : null);
    if (below == null) {
      return;
    }
    if (below instanceof Filter filter) {
      columns(filter.getCondition(), filter.getInput().getRowType().getFieldList(), null, null,
          out, 0);
    }
    if (below instanceof SingleRel || below.getTable() != null) {
      tables(below, out, depth + 1);
    }
  }

  private static @Nullable RelNode unwrap(@Nullable RelNode rel) {
    RelNode r = rel;
    for (int i = 0; i < MAX_DEPTH && r != null; i++) {
      if (r instanceof RelSubset subset) {
        RelNode best = subset.getBest();
        r = best != null ? best : subset.getOriginal();
      } else if (r instanceof HepRelVertex vertex) {
        r = vertex.getCurrentRel();
      } else {
        return r;
      }
    }
    return r;
  }

  private void columns(
      RexNode node, List<RelDataTypeField> left, @Nullable List<RelDataTypeField> right,
      @Nullable RexProgram program, float[] out, int depth) {
    if (depth > 32) {
      return;
    }
    if (node instanceof RexInputRef ref) {
      String name = fieldName(ref.getIndex(), left, right);
      if (name != null) {
        token(out, COLUMN_SALT, name.hashCode());
      }
    } else if (node instanceof RexLocalRef local && program != null) {
      columns(program.getExprList().get(local.getIndex()), left, right, program, out, depth + 1);
    } else if (node instanceof RexCall call) {
      List<RexNode> operands = call.getOperands();
      for (int i = 0; i < operands.size(); i++) {
        columns(operands.get(i), left, right, program, out, depth + 1);
      }
      literalToken(call, left, right, program, out);
    }
  }

  /**
   * Adds the token of {@code column = literal} or {@code SEARCH(column, points)} (an IN list),
   * either operand order; nothing for other calls.
   */
  private void literalToken(RexCall call, List<RelDataTypeField> left,
      @Nullable List<RelDataTypeField> right, @Nullable RexProgram program, float[] out) {
    SqlKind kind = call.getKind();
    if ((kind != SqlKind.EQUALS && kind != SqlKind.SEARCH) || call.getOperands().size() != 2) {
      return;
    }
    RexNode a = resolve(call.getOperands().get(0), program);
    RexNode b = resolve(call.getOperands().get(1), program);
    if (kind == SqlKind.EQUALS && a instanceof RexLiteral && b instanceof RexInputRef) {
      RexNode t = a;
      a = b;
      b = t;
    }
    if (!(a instanceof RexInputRef ref) || !(b instanceof RexLiteral literal)) {
      return;
    }
    if (kind == SqlKind.SEARCH) {
      Sarg<?> sarg = literal.getValueAs(Sarg.class);
      if (sarg == null || !sarg.isPoints()) {
        return;
      }
    }
    String name = fieldName(ref.getIndex(), left, right);
    if (name != null) {
      token(out, LITERAL_SALT, 31 * name.hashCode() + literal.toString().hashCode());
    }
  }

  private static RexNode resolve(RexNode node, @Nullable RexProgram program) {
    RexNode n = node;
    for (int i = 0; i < MAX_DEPTH && program != null && n instanceof RexLocalRef local; i++) {
      n = program.getExprList().get(local.getIndex());
    }
    return n;
  }

  private static @Nullable String fieldName(int i, List<RelDataTypeField> left,
      @Nullable List<RelDataTypeField> right) {
    if (i < left.size()) {
      return left.get(i).getName();
    }
    if (right != null && i - left.size() < right.size()) {
      return right.get(i - left.size()).getName();
    }
    return null;
  }

  private static int conjuncts(RexNode cond) {
    if (isTrueLiteral(cond)) {
      return 0;
    }
    return cond.getKind() == SqlKind.AND ? ((RexCall) cond).getOperands().size() : 1;
  }

  /**
   * Whether a condition is the literal TRUE (a join without condition). Not
   * {@code RexNode.isAlwaysTrue()}: on a SEARCH whose operands are a Calc program's local
   * references it throws a ClassCastException.
   */
  private static boolean isTrueLiteral(RexNode cond) {
    return cond instanceof RexLiteral literal && literal.isAlwaysTrue();
  }

  private static int equalities(RexNode cond) {
    if (cond.getKind() == SqlKind.AND) {
      List<RexNode> ops = ((RexCall) cond).getOperands();
      int n = 0;
      for (int i = 0; i < ops.size(); i++) {
        if (ScopeResolver.isColumnEquality(ops.get(i))) {
          n++;
        }
      }
      return n;
    }
    return ScopeResolver.isColumnEquality(cond) ? 1 : 0;
  }

  private static float fetch(@Nullable RexNode offset, @Nullable RexNode fetch) {
    if (!(fetch instanceof RexLiteral f)) {
      return 0f;
    }
    Number n = f.getValueAs(Number.class);
    double v = n == null ? 0 : n.doubleValue();
    if (offset instanceof RexLiteral o) {
      Number m = o.getValueAs(Number.class);
      v += m == null ? 0 : m.doubleValue();
    }
    return halfLog10(v);
  }

  private void token(float[] out, int salt, int hash) {
    int m = mix(hash ^ salt);
    int bucket = IDENTITY_START + Math.floorMod(m, buckets);
    out[bucket] += (mix(m) & 1) == 0 ? IDENTITY_WEIGHT : -IDENTITY_WEIGHT;
  }

  /** Murmur3's 32-bit finaliser. */
  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  private static double rowsOf(RelMetadataQuery mq, RelNode input) {
    Double v = mq.getRowCount(input);
    return v == null || !(v >= 0) || Double.isInfinite(v) ? 0.0 : v;
  }

  private static float halfLog10(double v) {
    return (float) (0.5 * Math.log1p(Math.max(0.0, v)) * INV_LN10);
  }

  private static float halfLog2(int n) {
    return (float) (0.5 * Math.log1p(n) * INV_LN2);
  }
}
