package dev.learnedcost.engine;

import java.util.Locale;

/**
 * Which inner-loop kernel the engine uses, chosen once per JVM (Lucene's vectorization-provider
 * pattern).
 *
 * <p>With {@code --add-modules jdk.incubator.vector} on the command line the engine uses SIMD
 * kernels on the platform's preferred vector width (capped at 256 bits); without it, plain Java
 * whose reductions use independent partial sums of fused multiply-adds ({@link UnrolledKernel}). The system property {@value #KERNEL_PROPERTY}
 * overrides the choice: {@code auto} (default), {@code scalar} (the reference's summation order
 * bit for bit), {@code unrolled}, or {@code panama} (which fails if the module is absent rather
 * than silently running other code). Every kernel passes the conformance fixtures.
 */
public final class Vectorization {
  /**
   * System property that forces a kernel: {@code auto}, {@code scalar}, {@code unrolled} or
   * {@code panama}.
   */
  public static final String KERNEL_PROPERTY = "dev.learnedcost.engine.kernel";

  private static final String VECTOR_MODULE = "jdk.incubator.vector";
  private static final VectorKernel KERNEL = select(System.getProperty(KERNEL_PROPERTY, "auto"));

  private Vectorization() {}

  /**
   * Returns the name of the active kernel: {@code "scalar"}, {@code "scalar-unrolled"} or
   * {@code "panama-<bits>"} (for
   * example {@code "panama-256"}); for logs and benchmark reports.
   */
  public static String kernelName() {
    return KERNEL.name();
  }

  /** Returns whether the JVM has the {@code jdk.incubator.vector} module. */
  public static boolean vectorModulePresent() {
    return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
  }

  static VectorKernel kernel() {
    return KERNEL;
  }

  static VectorKernel select(String choice) {
    switch (choice.trim().toLowerCase(Locale.ROOT)) {
      case "scalar":
        return ScalarKernel.INSTANCE;
      case "unrolled":
        return UnrolledKernel.INSTANCE;
      case "panama": {
        VectorKernel k = loadPanama();
        if (k == null) {
          throw new IllegalStateException(
              KERNEL_PROPERTY + "=panama needs the " + VECTOR_MODULE + " module: start the JVM "
                  + "with --add-modules " + VECTOR_MODULE + ", or use auto, scalar or unrolled");
        }
        return k;
      }
      case "auto": {
        VectorKernel k = loadPanama();
        return k != null ? k : UnrolledKernel.INSTANCE;
      }
      default:
        throw new IllegalStateException(
            KERNEL_PROPERTY + " must be auto, scalar, unrolled or panama, got '" + choice + "'");
    }
  }

  /** Returns the Panama kernel, or null when the module is absent or the kernel cannot load. */
  private static VectorKernel loadPanama() {
    if (!vectorModulePresent()) {
      return null;
    }
    try {
      // Reflective, so that no class the JVM loads without the module refers to it.
      return (VectorKernel) Class.forName("dev.learnedcost.engine.PanamaKernel")
          .getDeclaredConstructor()
          .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }
}
