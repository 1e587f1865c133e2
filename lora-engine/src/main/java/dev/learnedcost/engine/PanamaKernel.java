package dev.learnedcost.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The engine's inner loops on {@code jdk.incubator.vector} at the platform's preferred width,
 * capped at 256 bits (8 floats with AVX2 or AVX-512, 4 with NEON), with a scalar tail.
 *
 * <p>Loaded only by {@link Vectorization}, reflectively, when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}; no other class refers to it, so the engine runs
 * without the module.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Forward: one pass over {@code x} computes both projections (two chains of fused
 *       multiply-adds each), a fixed tree sums the lanes, then one pass writes
 *       {@code out = fma(b1, s1, fma(b0, s0, x))} with {@code s_k = alpha * l_k} folded in
 *       once per call. Blended forward: one pass over {@code x} for the four projections
 *       (operator and category), then one pass of four fused multiply-adds with the blend weight
 *       folded in too ({@code w * alpha_op * l_k}, {@code (1 - w) * alpha_cat * c_k}), instead
 *       of two projection passes and an output pass that computes both outputs and mixes
 *       them.</li>
 *   <li>Cost at dim 256 with 8 lanes: the forward issues 192 vector loads and 32 stores (x, a0,
 *       a1 in the first pass, x, b0, b1 in the second); at two loads per cycle that is 96
 *       cycles, plus the lane reduction between the passes (about 15 cycles of dependent
 *       shuffles and adds), about 40 ns at 2.8 GHz before any call, lock or counter. The
 *       blended forward issues 320 loads (160 cycles, about 57 ns). So these loops are bound by
 *       loads, not by arithmetic, and the 40 ns forward is at that bound.</li>
 *   <li>Rounding: the projections are summed lane by lane and then across lanes in a fixed
 *       tree, and the outputs and updates use fused multiply-adds with the scalars folded
 *       first, so results differ from {@link ScalarKernel} (the reference's order) by a few
 *       ulps, within the conformance tolerance. They are deterministic: the same bits in every
 *       JIT tier (see {@code sumLanes}), and the scalar tails use {@link Math#fma} like the
 *       vector lanes.</li>
 * </ul>
 */
final class PanamaKernel implements VectorKernel {
  /**
   * The preferred width, capped at 256 bits: with AVX-512 the 512-bit kernel measured slower
   * (forward at dim 256: 90 ns against 76 ns, blended forward 190 ns against 141 ns, on the
   * 2-core Xeon these benchmarks ran on): a Java array's data starts 16 bytes into an object
   * aligned to 8 bytes, so most 64-byte loads split a cache line, and 512-bit instructions can
   * lower the clock.
   */
  private static final VectorSpecies<Float> SPECIES =
      FloatVector.SPECIES_PREFERRED.vectorBitSize() > 256
          ? FloatVector.SPECIES_256
          : FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  // Rotations by 4, 2 and 1 lanes for the tree reduction (each its own constant field: C2 folds
  // a static final field, not the element of a static final array).
  private static final VectorShuffle<Float> ROTATE_4 = rotation(4);
  private static final VectorShuffle<Float> ROTATE_2 = rotation(2);
  private static final VectorShuffle<Float> ROTATE_1 = rotation(1);
  // For sumLanes4: swap neighbouring pairs ([2,3,0,1,6,7,4,5]) and neighbours ([1,0,3,2,...]),
  // and masks that take the upper half ([0,0,0,0,1,1,1,1]) or every second pair
  // ([0,0,1,1,0,0,1,1]) from the second operand of a blend.
  private static final VectorShuffle<Float> SWAP_PAIRS =
      VectorShuffle.fromOp(SPECIES, i -> i ^ 2);
  private static final VectorShuffle<Float> SWAP_NEIGHBOURS =
      VectorShuffle.fromOp(SPECIES, i -> i ^ 1);
  private static final VectorMask<Float> UPPER_HALF =
      VectorMask.fromLong(SPECIES, LANES == 8 ? 0xF0L : 0xCL);
  private static final VectorMask<Float> ODD_PAIRS = VectorMask.fromLong(SPECIES, 0xCCL);

  /** Public for the reflective construction in {@link Vectorization}. */
  public PanamaKernel() {
    if (LANES != 4 && LANES != 8) {
      throw new UnsupportedOperationException(
          "float vector of " + LANES + " lanes; the Panama kernel needs 4 or 8");
    }
  }

  private static VectorShuffle<Float> rotation(int lanes) {
    return lanes < LANES ? VectorShuffle.iota(SPECIES, lanes, 1, true) : null;
  }

  /**
   * Sums the lanes of {@code v} by a fixed tree of lane-wise additions (rotate by half, add;
   * repeat), not {@code reduceLanes(ADD)}, whose order is unspecified and differs between the
   * C2 intrinsic and the interpreted fallback. So the result is the same bits whether the
   * caller runs interpreted, in C1 or in C2, and a model's output never depends on JIT state.
   */
  private static float sumLanes(FloatVector v) {
    if (LANES > 4) {
      v = v.add(v.rearrange(ROTATE_4));
    }
    v = v.add(v.rearrange(ROTATE_2));
    v = v.add(v.rearrange(ROTATE_1));
    return v.lane(0);
  }

  /**
   * Sums the lanes of four vectors at once, each by the same tree of additions as
   * {@link #sumLanes} (so the same bits: every addition has the same two operands, and float
   * addition is commutative), returning the sums of {@code p, q, r, t} in lanes
   * {@code 0, LANES/2, 2, LANES/2 + 2} (8 lanes) or in lanes {@code 0, 2} of the two halves'
   * results (4 lanes; see {@link #blend}). Half the shuffles of four {@link #sumLanes} calls,
   * and small enough that C2 inlines it into {@link #blend} without boxing a vector.
   */
  private static FloatVector sumLanes4(FloatVector p, FloatVector q, FloatVector r,
      FloatVector t) {
    // 8 lanes: fold each vector to 4 partial sums, put p's and q's in one vector (p low, q
    // high) and r's and t's in another, fold pairs, interleave the two vectors pairwise and
    // fold neighbours: p, r, q, t end in lanes 0, 2, 4, 6.
    FloatVector pq = p.add(p.rearrange(ROTATE_4)).blend(q.add(q.rearrange(ROTATE_4)), UPPER_HALF);
    FloatVector rt = r.add(r.rearrange(ROTATE_4)).blend(t.add(t.rearrange(ROTATE_4)), UPPER_HALF);
    pq = pq.add(pq.rearrange(SWAP_PAIRS));
    rt = rt.add(rt.rearrange(SWAP_PAIRS));
    FloatVector all = pq.blend(rt, ODD_PAIRS);
    return all.add(all.rearrange(SWAP_NEIGHBOURS));
  }

  /** As {@link #sumLanes4} for 4 lanes and two vectors: the sums of p and q in lanes 0 and 2. */
  private static FloatVector sumLanes2(FloatVector p, FloatVector q) {
    FloatVector pq = p.add(p.rearrange(ROTATE_2)).blend(q.add(q.rearrange(ROTATE_2)), UPPER_HALF);
    return pq.add(pq.rearrange(SWAP_NEIGHBOURS));
  }

  @Override
  public String name() {
    return "panama-" + SPECIES.vectorBitSize();
  }

  @Override
  public long dot2(float[] x, float[] a0, float[] a1, int n) {
    int i = 0;
    float s0 = 0f;
    float s1 = 0f;
    if (n >= LANES) {
      // Two accumulators per sum halve the chain of dependent fused multiply-adds.
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      int bound2 = n - 2 * LANES;
      for (; i <= bound2; i += 2 * LANES) {
        FloatVector xv = FloatVector.fromArray(SPECIES, x, i);
        FloatVector xw = FloatVector.fromArray(SPECIES, x, i + LANES);
        acc0 = xv.fma(FloatVector.fromArray(SPECIES, a0, i), acc0);
        acc1 = xv.fma(FloatVector.fromArray(SPECIES, a1, i), acc1);
        acc2 = xw.fma(FloatVector.fromArray(SPECIES, a0, i + LANES), acc2);
        acc3 = xw.fma(FloatVector.fromArray(SPECIES, a1, i + LANES), acc3);
      }
      int bound = SPECIES.loopBound(n);
      for (; i < bound; i += LANES) {
        FloatVector xv = FloatVector.fromArray(SPECIES, x, i);
        acc0 = xv.fma(FloatVector.fromArray(SPECIES, a0, i), acc0);
        acc1 = xv.fma(FloatVector.fromArray(SPECIES, a1, i), acc1);
      }
      s0 = sumLanes(acc0.add(acc2));
      s1 = sumLanes(acc1.add(acc3));
    }
    for (; i < n; i++) {
      s0 = Math.fma(x[i], a0[i], s0);
      s1 = Math.fma(x[i], a1[i], s1);
    }
    return VectorKernel.pack(s0, s1);
  }

  @Override
  public float sum(float[] a, int n) {
    int i = 0;
    float s = 0f;
    if (n >= LANES) {
      FloatVector acc = FloatVector.zero(SPECIES);
      int bound = SPECIES.loopBound(n);
      for (; i < bound; i += LANES) {
        acc = acc.add(FloatVector.fromArray(SPECIES, a, i));
      }
      s = sumLanes(acc);
    }
    for (; i < n; i++) {
      s += a[i];
    }
    return s;
  }

  @Override
  public float sumSquares(float[] g, int n) {
    int i = 0;
    float s = 0f;
    if (n >= LANES) {
      // Four chains: one chain of 32 dependent fused multiply-adds (4 cycles each) would take
      // longer than the 32 loads at dim 256.
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      int bound4 = n - 4 * LANES;
      for (; i <= bound4; i += 4 * LANES) {
        FloatVector g0 = FloatVector.fromArray(SPECIES, g, i);
        FloatVector g1 = FloatVector.fromArray(SPECIES, g, i + LANES);
        FloatVector g2 = FloatVector.fromArray(SPECIES, g, i + 2 * LANES);
        FloatVector g3 = FloatVector.fromArray(SPECIES, g, i + 3 * LANES);
        acc0 = g0.fma(g0, acc0);
        acc1 = g1.fma(g1, acc1);
        acc2 = g2.fma(g2, acc2);
        acc3 = g3.fma(g3, acc3);
      }
      int bound = SPECIES.loopBound(n);
      for (; i < bound; i += LANES) {
        FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
        acc0 = gv.fma(gv, acc0);
      }
      s = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
    }
    for (; i < n; i++) {
      s = Math.fma(g[i], g[i], s);
    }
    return s;
  }

  @Override
  public boolean forward(LoraPair p, float[] x, float[] out) {
    int n = p.dim;
    long l = dot2(x, p.a0, p.a1, n);
    float l0 = VectorKernel.first(l);
    float l1 = VectorKernel.second(l);
    if (!Float.isFinite(l0) || !Float.isFinite(l1)) {
      return false;
    }
    float s0 = p.alpha * l0;
    float s1 = p.alpha * l1;
    float[] b0 = p.b0;
    float[] b1 = p.b1;
    FloatVector v0 = FloatVector.broadcast(SPECIES, s0);
    FloatVector v1 = FloatVector.broadcast(SPECIES, s1);
    int i = 0;
    int bound = SPECIES.loopBound(n);
    for (; i < bound; i += LANES) {
      FloatVector.fromArray(SPECIES, b1, i).fma(v1,
              FloatVector.fromArray(SPECIES, b0, i).fma(v0, FloatVector.fromArray(SPECIES, x, i)))
          .intoArray(out, i);
    }
    for (; i < n; i++) {
      out[i] = Math.fma(s1, b1[i], Math.fma(s0, b0[i], x[i]));
    }
    return true;
  }

  @Override
  public boolean blend(LoraPair op, LoraPair cat, float w, float[] x, float[] out) {
    int n = op.dim;
    float[] oa0 = op.a0;
    float[] oa1 = op.a1;
    float[] ca0 = cat.a0;
    float[] ca1 = cat.a1;
    float l0 = 0f;
    float l1 = 0f;
    float c0 = 0f;
    float c1 = 0f;
    int i = 0;
    if (n >= LANES) {
      // One pass over x for the four projections, two chains each (five loads feed four
      // fused multiply-adds, so the loop is bound by loads, not by the chains' latency).
      FloatVector p0 = FloatVector.zero(SPECIES);
      FloatVector p1 = FloatVector.zero(SPECIES);
      FloatVector q0 = FloatVector.zero(SPECIES);
      FloatVector q1 = FloatVector.zero(SPECIES);
      FloatVector r0 = FloatVector.zero(SPECIES);
      FloatVector r1 = FloatVector.zero(SPECIES);
      FloatVector t0 = FloatVector.zero(SPECIES);
      FloatVector t1 = FloatVector.zero(SPECIES);
      int bound2 = n - 2 * LANES;
      for (; i <= bound2; i += 2 * LANES) {
        FloatVector xv = FloatVector.fromArray(SPECIES, x, i);
        FloatVector xw = FloatVector.fromArray(SPECIES, x, i + LANES);
        p0 = xv.fma(FloatVector.fromArray(SPECIES, oa0, i), p0);
        q0 = xv.fma(FloatVector.fromArray(SPECIES, oa1, i), q0);
        r0 = xv.fma(FloatVector.fromArray(SPECIES, ca0, i), r0);
        t0 = xv.fma(FloatVector.fromArray(SPECIES, ca1, i), t0);
        p1 = xw.fma(FloatVector.fromArray(SPECIES, oa0, i + LANES), p1);
        q1 = xw.fma(FloatVector.fromArray(SPECIES, oa1, i + LANES), q1);
        r1 = xw.fma(FloatVector.fromArray(SPECIES, ca0, i + LANES), r1);
        t1 = xw.fma(FloatVector.fromArray(SPECIES, ca1, i + LANES), t1);
      }
      int bound = SPECIES.loopBound(n);
      for (; i < bound; i += LANES) {
        FloatVector xv = FloatVector.fromArray(SPECIES, x, i);
        p0 = xv.fma(FloatVector.fromArray(SPECIES, oa0, i), p0);
        q0 = xv.fma(FloatVector.fromArray(SPECIES, oa1, i), q0);
        r0 = xv.fma(FloatVector.fromArray(SPECIES, ca0, i), r0);
        t0 = xv.fma(FloatVector.fromArray(SPECIES, ca1, i), t0);
      }
      if (LANES == 8) {
        FloatVector sums = sumLanes4(p0.add(p1), q0.add(q1), r0.add(r1), t0.add(t1));
        l0 = sums.lane(0);
        c0 = sums.lane(2);
        l1 = sums.lane(4);
        c1 = sums.lane(6);
      } else {
        FloatVector ops = sumLanes2(p0.add(p1), q0.add(q1));
        FloatVector cats = sumLanes2(r0.add(r1), t0.add(t1));
        l0 = ops.lane(0);
        l1 = ops.lane(2);
        c0 = cats.lane(0);
        c1 = cats.lane(2);
      }
    }
    for (int k = i; k < n; k++) {
      float xk = x[k];
      l0 = Math.fma(xk, oa0[k], l0);
      l1 = Math.fma(xk, oa1[k], l1);
      c0 = Math.fma(xk, ca0[k], c0);
      c1 = Math.fma(xk, ca1[k], c1);
    }
    if (!Float.isFinite(l0) || !Float.isFinite(l1) || !Float.isFinite(c0)
        || !Float.isFinite(c1)) {
      return false;
    }
    // w * y_op + (1 - w) * y_cat = x + w alpha_op (l0 ob0 + l1 ob1)
    //                                + (1 - w) alpha_cat (c0 cb0 + c1 cb1):
    // four fused multiply-adds per element, one pass writing out.
    float wo = w * op.alpha;
    float wc = (1f - w) * cat.alpha;
    blendOut(x, wo * l0, op.b0, wo * l1, op.b1, wc * c0, cat.b0, wc * c1, cat.b1, out, n);
    return true;
  }

  /**
   * {@code out = x + s0 b0 + s1 b1 + t0 c0 + t1 c1}, four fused multiply-adds per element. A
   * method of its own so that {@link #blend} stays small enough for C2 to inline all four lane
   * reductions: with this loop inline, the fourth hit C2's node-count cutoff, its vector was
   * boxed and the blended forward allocated 64 bytes per call (seen with
   * {@code -XX:+PrintInlining} and JMH {@code -prof gc}). Only scalars cross this call.
   */
  private static void blendOut(
      float[] x, float s0, float[] b0, float s1, float[] b1, float t0, float[] c0, float t1,
      float[] c1, float[] out, int n) {
    FloatVector vs0 = FloatVector.broadcast(SPECIES, s0);
    FloatVector vs1 = FloatVector.broadcast(SPECIES, s1);
    FloatVector vt0 = FloatVector.broadcast(SPECIES, t0);
    FloatVector vt1 = FloatVector.broadcast(SPECIES, t1);
    int j = 0;
    int bound = SPECIES.loopBound(n);
    for (; j < bound; j += LANES) {
      FloatVector y = FloatVector.fromArray(SPECIES, b0, j).fma(vs0,
          FloatVector.fromArray(SPECIES, x, j));
      y = FloatVector.fromArray(SPECIES, b1, j).fma(vs1, y);
      y = FloatVector.fromArray(SPECIES, c0, j).fma(vt0, y);
      FloatVector.fromArray(SPECIES, c1, j).fma(vt1, y).intoArray(out, j);
    }
    for (; j < n; j++) {
      out[j] = Math.fma(t1, c1[j], Math.fma(t0, c0[j], Math.fma(s1, b1[j], Math.fma(s0, b0[j],
          x[j]))));
    }
  }

  @Override
  public void rankOneUpdate(
      float[] b0, float[] b1, float[] g, float invNorm, float k0, float k1, int n) {
    float s0 = k0 * invNorm;
    float s1 = k1 * invNorm;
    FloatVector v0 = FloatVector.broadcast(SPECIES, s0);
    FloatVector v1 = FloatVector.broadcast(SPECIES, s1);
    int j = 0;
    int bound = SPECIES.loopBound(n);
    for (; j < bound; j += LANES) {
      FloatVector gv = FloatVector.fromArray(SPECIES, g, j);
      gv.fma(v0, FloatVector.fromArray(SPECIES, b0, j)).intoArray(b0, j);
      gv.fma(v1, FloatVector.fromArray(SPECIES, b1, j)).intoArray(b1, j);
    }
    for (; j < n; j++) {
      float gj = g[j];
      b0[j] = Math.fma(s0, gj, b0[j]);
      b1[j] = Math.fma(s1, gj, b1[j]);
    }
  }
}
