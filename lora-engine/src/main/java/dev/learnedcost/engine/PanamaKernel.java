package dev.learnedcost.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The engine's inner loops on {@code jdk.incubator.vector} at the platform's preferred width,
 * capped at 256 bits (8 floats with AVX2 or AVX-512, 4 with NEON), with a scalar tail.
 *
 * <p>Loaded only by {@link Vectorization}, reflectively, when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}; no other class refers to it, so the engine runs
 * without the module. Element-wise loops use the same operations in the same order as
 * {@link ScalarKernel} (no fused multiply-add), so their results are bit-identical to it; the
 * reductions ({@code dot2}, {@code sum}, {@code sumSquares}) sum lane by lane and then across
 * lanes in a fixed tree, with fused multiply-adds in the dot products, which reorders the
 * reference's sums: the results differ from it by a few ulps, well within the conformance
 * tolerance, and are deterministic (the same bits in every JIT tier, see {@code sumLanes}).
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
      s0 += x[i] * a0[i];
      s1 += x[i] * a1[i];
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
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      int bound2 = n - 2 * LANES;
      for (; i <= bound2; i += 2 * LANES) {
        FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
        FloatVector gw = FloatVector.fromArray(SPECIES, g, i + LANES);
        acc0 = gv.fma(gv, acc0);
        acc1 = gw.fma(gw, acc1);
      }
      int bound = SPECIES.loopBound(n);
      for (; i < bound; i += LANES) {
        FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
        acc0 = gv.fma(gv, acc0);
      }
      s = sumLanes(acc0.add(acc1));
    }
    for (; i < n; i++) {
      s += g[i] * g[i];
    }
    return s;
  }

  @Override
  public void lowRankOut(
      float[] x, float l0, float l1, float[] b0, float[] b1, float alpha, float[] out, int n) {
    int i = 0;
    int bound = SPECIES.loopBound(n);
    for (; i < bound; i += LANES) {
      FloatVector d = FloatVector.fromArray(SPECIES, b0, i).mul(l0)
          .add(FloatVector.fromArray(SPECIES, b1, i).mul(l1));
      FloatVector.fromArray(SPECIES, x, i).add(d.mul(alpha)).intoArray(out, i);
    }
    for (; i < n; i++) {
      out[i] = x[i] + alpha * (l0 * b0[i] + l1 * b1[i]);
    }
  }

  @Override
  public void blendOut(
      float[] x, float l0, float l1, float[] ob0, float[] ob1, float alphaOp,
      float c0, float c1, float[] cb0, float[] cb1, float alphaCat, float w, float[] out, int n) {
    float cw = 1f - w;
    int i = 0;
    int bound = SPECIES.loopBound(n);
    for (; i < bound; i += LANES) {
      FloatVector xv = FloatVector.fromArray(SPECIES, x, i);
      FloatVector yo = xv.add(FloatVector.fromArray(SPECIES, ob0, i).mul(l0)
          .add(FloatVector.fromArray(SPECIES, ob1, i).mul(l1)).mul(alphaOp));
      FloatVector yc = xv.add(FloatVector.fromArray(SPECIES, cb0, i).mul(c0)
          .add(FloatVector.fromArray(SPECIES, cb1, i).mul(c1)).mul(alphaCat));
      yo.mul(w).add(yc.mul(cw)).intoArray(out, i);
    }
    for (; i < n; i++) {
      float yo = x[i] + alphaOp * (l0 * ob0[i] + l1 * ob1[i]);
      float yc = x[i] + alphaCat * (c0 * cb0[i] + c1 * cb1[i]);
      out[i] = yo * w + yc * cw;
    }
  }

  @Override
  public void rankOneUpdate(
      float[] b0, float[] b1, float[] g, float invNorm, float k0, float k1, int n) {
    int j = 0;
    int bound = SPECIES.loopBound(n);
    for (; j < bound; j += LANES) {
      FloatVector ng = FloatVector.fromArray(SPECIES, g, j).mul(invNorm);
      FloatVector.fromArray(SPECIES, b0, j).add(ng.mul(k0)).intoArray(b0, j);
      FloatVector.fromArray(SPECIES, b1, j).add(ng.mul(k1)).intoArray(b1, j);
    }
    for (; j < n; j++) {
      float ng = g[j] * invNorm;
      b0[j] += k0 * ng;
      b1[j] += k1 * ng;
    }
  }
}
