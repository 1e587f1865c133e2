package dev.learnedcost.calcite;

import dev.learnedcost.calcite.SnapshotMBean.Kind;
import dev.learnedcost.calcite.SnapshotMBean.Metric;
import dev.learnedcost.engine.OperatorScope;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JMX MBeans of one open {@link LoraRuntime}: one for the runtime's counters
 * ({@link LoraStats}) and one per operator scope ({@link ScopeStats} and the adapter's norm),
 * in the platform MBean server, registered when the runtime opens and unregistered when it
 * closes. The names, attributes and units are listed in the module README.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Names: {@code dev.learnedcost:type=LoraRuntime,name=<name>} and the same with
 *       {@code ,scope=<Scope>}. The name value is written as it is when it is a legal unquoted
 *       value, else quoted ({@link ObjectName#quote}): a path such as {@code C:\db\x.lcfs}
 *       becomes {@code "C:\\db\\x.lcfs"}.</li>
 *   <li>Collisions: registering the runtime MBean is the claim on a name. When another open
 *       runtime holds it ({@link InstanceAlreadyExistsException}: atomic in the MBean server,
 *       so two runtimes opening at once cannot both win), this one takes the next free
 *       {@code instance=2, 3, ...} key. The scope MBeans follow their runtime MBean's name, and
 *       are unregistered before it, so a name is never reused while its scope MBeans exist.
 *       A collision is logged at WARN when the name was chosen explicitly (a dashboard watching
 *       that name sees only the first runtime), at DEBUG for a derived name.</li>
 *   <li>Failure: a name that cannot be registered (a security manager, a foreign MBean in the
 *       way) is logged at WARN and the runtime runs without those MBeans; opening never
 *       fails.</li>
 *   <li>Cost: 18 registrations per open; attributes are computed from a snapshot when read
 *       (one snapshot per {@code getAttributes} call), never on the planner's path.</li>
 * </ul>
 */
final class RuntimeMBeans {
  /** The JMX domain of every MBean of the plugin. */
  static final String DOMAIN = "dev.learnedcost";
  /** The {@code type} key of the runtime's MBeans. */
  static final String TYPE = "LoraRuntime";
  /** Instances tried for one name before giving up. */
  static final int MAX_INSTANCES = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeMBeans.class);

  private final MBeanServer server;
  private final ObjectName runtimeName;
  private final List<ObjectName> scopeNames;
  private boolean unregistered;

  private RuntimeMBeans(MBeanServer server, ObjectName runtimeName, List<ObjectName> scopeNames) {
    this.server = server;
    this.runtimeName = runtimeName;
    this.scopeNames = scopeNames;
  }

  /**
   * Registers the MBeans of {@code runtime} under {@code name}; returns null (and logs why)
   * when they cannot be registered. Never throws.
   */
  static @Nullable RuntimeMBeans register(LoraRuntime runtime, String name, boolean explicit) {
    MBeanServer server;
    try {
      server = ManagementFactory.getPlatformMBeanServer();
    } catch (RuntimeException | Error e) {
      LOG.warn("no JMX metrics for the learned-cost runtime '{}': the platform MBean server is"
          + " not available ({})", name, e.toString());
      return null;
    }
    String base = "type=" + TYPE + ",name=" + value(name);
    ObjectName claimed = null;
    try {
      SnapshotMBean<LoraStats> bean = runtimeBean(runtime, name);
      for (int instance = 1; instance <= MAX_INSTANCES && claimed == null; instance++) {
        ObjectName candidate = new ObjectName(DOMAIN + ":" + base
            + (instance == 1 ? "" : ",instance=" + instance));
        try {
          server.registerMBean(bean, candidate);
          claimed = candidate;
        } catch (InstanceAlreadyExistsException taken) {
          // another open runtime has this name: try the next instance
        }
      }
    } catch (JMException | RuntimeException e) {
      LOG.warn("no JMX metrics for the learned-cost runtime '{}': registering its MBean failed"
          + " ({})", name, e.toString());
      return null;
    }
    if (claimed == null) {
      LOG.warn("no JMX metrics for the learned-cost runtime '{}': {} runtimes of that name are"
          + " registered", name, MAX_INSTANCES);
      return null;
    }
    if (claimed.getKeyProperty("instance") != null) {
      String message = "another open learned-cost runtime is registered in JMX as '" + name
          + "'; this one is " + claimed + " (name runtimes apart with"
          + " LoraRuntimeConfig.Builder.name or loraName)";
      if (explicit) {
        LOG.warn(message);
      } else {
        LOG.debug(message);
      }
    }
    List<ObjectName> scopes = new ArrayList<>(OperatorScope.COUNT);
    for (OperatorScope scope : OperatorScope.values()) {
      try {
        ObjectName on = new ObjectName(claimed + ",scope=" + scope.displayName());
        server.registerMBean(scopeBean(runtime, scope), on);
        scopes.add(on);
      } catch (JMException | RuntimeException e) {
        LOG.warn("no JMX metrics for scope {} of the learned-cost runtime '{}': {}",
            scope.displayName(), name, e.toString());
      }
    }
    return new RuntimeMBeans(server, claimed, scopes);
  }

  /** Returns the name of the runtime's MBean. */
  ObjectName objectName() {
    return runtimeName;
  }

  /** Unregisters every MBean, the scope MBeans first; twice does nothing. Never throws. */
  synchronized void unregister() {
    if (unregistered) {
      return;
    }
    unregistered = true;
    for (ObjectName on : scopeNames) {
      unregister(on);
    }
    unregister(runtimeName);
  }

  private void unregister(ObjectName on) {
    try {
      server.unregisterMBean(on);
    } catch (InstanceNotFoundException gone) {
      // unregistered by someone else: nothing left to do
    } catch (JMException | RuntimeException e) {
      LOG.warn("cannot unregister the MBean {}: {}", on, e.toString());
    }
  }

  /** The value of a key: as it is when legal unquoted, else quoted. */
  static String value(String v) {
    if (v.isEmpty()) {
      return ObjectName.quote(v);
    }
    for (int i = 0; i < v.length(); i++) {
      if (",=:\"*?\n".indexOf(v.charAt(i)) >= 0) {
        return ObjectName.quote(v);
      }
    }
    return v;
  }

  // ---- the attributes -------------------------------------------------------------------------

  private static SnapshotMBean<LoraStats> runtimeBean(LoraRuntime runtime, String name)
      throws MalformedObjectNameException {
    List<Metric<LoraStats>> m = new ArrayList<>();
    LoraRuntimeConfig config = runtime.config();
    String file = config.stateFile() == null ? "" : config.stateFile().toString();
    String problem = runtime.loadProblem() == null ? "" : runtime.loadProblem();
    m.add(info("Name", "the runtime's name (LoraRuntimeConfig name, or the URL's loraName)",
        s -> name));
    m.add(info("StateFile", "the learned-state file; empty for a runtime kept in memory",
        s -> file));
    m.add(info("DefaultMode", "the mode of installs and connections that name none",
        s -> config.mode().name()));
    m.add(info("LoadProblem", "why the state file could not be loaded when the runtime opened"
        + " (and where it was kept); empty when it loaded or there was none", s -> problem));
    m.add(counter("RowCountCalls", "calls", "learned row-count handler calls that could correct"
        + " (modes SHADOW and ON)", LoraStats::rowCountCalls));
    m.add(counter("CostCalls", "calls", "learned cost handler calls", LoraStats::costCalls));
    m.add(counter("Forwards", "forward passes", "adapter forward passes (plannings, traces,"
        + " learning)", LoraStats::forwards));
    m.add(counter("RowCorrections", "corrections", "row corrections handed to a planner (mode"
        + " ON)", LoraStats::rowCorrections));
    m.add(counter("CostCorrections", "corrections", "cost corrections handed to a planner (mode"
        + " ON)", LoraStats::costCorrections));
    m.add(counter("ShadowCorrections", "corrections", "corrections computed but not applied"
        + " (mode SHADOW)", LoraStats::shadowCorrections));
    m.add(counter("TrainSteps", "steps", "supervised training steps", LoraStats::trainSteps));
    m.add(counter("HandlerFallbacks", "exceptions", "exceptions inside the learned handlers that"
        + " fell back to the stock answer", LoraStats::fallbacks));
    m.add(counter("ExecutionsReceived", "executions", "executions handed to the learner",
        LoraStats::received));
    m.add(counter("ExecutionsProcessed", "executions", "executions the learner finished with",
        LoraStats::processed));
    m.add(counter("ExecutionsDropped", "executions", "executions dropped: the learner's queue"
        + " was full or the runtime closing", LoraStats::dropped));
    m.add(counter("ExecutionsIncomplete", "executions", "executions not learned from: closed"
        + " before their end", LoraStats::incomplete));
    m.add(counter("ExecutionsFailed", "executions", "executions whose learning threw",
        LoraStats::failed));
    m.add(counter("Trajectories", "operators", "operators recorded as trajectories",
        LoraStats::trajectories));
    m.add(gauge("MeanImprovement", "ratio", "the trajectories' mean improvement, stock-predicted"
        + " ms / actual ms - 1; NaN without trajectories", LoraStats::meanImprovement));
    m.add(gauge("SuccessRate", "fraction 0..1", "the trajectories' fraction with a positive"
        + " improvement; NaN without trajectories", LoraStats::successRate));
    m.add(counter("CalibrationObservations", "observations", "observations behind the cost"
        + " calibration", LoraStats::calibrationObservations));
    m.add(gauge("MsPerCostUnit", "ms", "the cost calibration's milliseconds per stock cost"
        + " unit", LoraStats::msPerCostUnit));
    m.add(new Metric<>("Queries", int.class, "queries", Kind.GAUGE, "query shapes"
        + " (fingerprints) in the regression guard's history", LoraStats::queries));
    m.add(new Metric<>("GuardedQueries", int.class, "queries", Kind.GAUGE, "query shapes the"
        + " guard now plans with stock costs", LoraStats::guardedQueries));
    m.add(counter("GuardFallbacks", "fallbacks", "times the guard fell back to a stock plan",
        LoraStats::guardFallbacks));
    m.add(counter("GuardRetries", "retries", "times a guarded query tried its learned plan"
        + " again", LoraStats::guardRetries));
    m.add(counter("Saves", "saves", "times the learned state was saved", LoraStats::saves));
    m.add(counter("SaveFailures", "saves", "saves that failed (the previous file stayed"
        + " intact)", LoraStats::saveFailures));
    return new SnapshotMBean<>(LoraRuntime.class.getName(), "A learned-cost runtime's"
        + " counters; totals since it opened", runtime::stats, m);
  }

  /** What a scope MBean reads: the scope's statistics and its adapter's norm, together. */
  record ScopeSnapshot(ScopeStats stats, double adapterNorm) {}

  private static SnapshotMBean<ScopeSnapshot> scopeBean(LoraRuntime runtime,
      OperatorScope scope) {
    List<Metric<ScopeSnapshot>> m = new ArrayList<>();
    m.add(info("Scope", "the operator scope", s -> scope.displayName()));
    m.add(counter("Observations", "operators", "executed operators of this scope trained on",
        s -> s.stats().observations()));
    m.add(counter("Forwards", "forward passes", "the scope adapter's forward passes",
        s -> s.stats().forwards()));
    m.add(counter("Adaptations", "steps", "the scope adapter's updates",
        s -> s.stats().adaptations()));
    m.add(gauge("AdapterNorm", "Frobenius norm", "the norm of the adapter's learned update; 0"
        + " untrained", ScopeSnapshot::adapterNorm));
    String rowError = "|ln(estimate / actual rows)|, natural log: 0.69 is a factor of 2";
    m.add(gauge("StockRowError", rowError, "mean row error of the stock estimates",
        s -> s.stats().stockRowError()));
    m.add(gauge("LearnedRowError", rowError, "mean row error of the learned estimates (as"
        + " planned, before each execution's training)", s -> s.stats().learnedRowError()));
    m.add(gauge("MedianStockRowError", rowError, "median stock row error over the last 256"
        + " observations", s -> s.stats().medianStockRowError()));
    m.add(gauge("MedianLearnedRowError", rowError, "median learned row error over the same"
        + " observations", s -> s.stats().medianLearnedRowError()));
    String costError = "|ln(predicted ms / actual ms)|, natural log";
    m.add(gauge("StockCostError", costError, "mean cost error of the stock prediction; NaN"
        + " until the calibration is ready", s -> s.stats().stockCostError()));
    m.add(gauge("LearnedCostError", costError, "mean cost error of the learned prediction; NaN"
        + " until the calibration is ready", s -> s.stats().learnedCostError()));
    m.add(counter("Trajectories", "operators", "trajectories recorded for the scope",
        s -> s.stats().trajectories()));
    m.add(gauge("MeanImprovement", "ratio", "the trajectories' mean improvement, predicted ms /"
        + " actual ms - 1; NaN without trajectories", s -> s.stats().meanImprovement()));
    m.add(gauge("SuccessRate", "fraction 0..1", "the trajectories' fraction with a positive"
        + " improvement; NaN without trajectories", s -> s.stats().successRate()));
    return new SnapshotMBean<>(ScopeStats.class.getName(), "Learning statistics of one operator"
        + " scope of a learned-cost runtime", () -> new ScopeSnapshot(runtime.scopeStats(scope),
            runtime.model().scopedLoRA().deltaNorm(scope)), m);
  }

  private static <S> Metric<S> info(String name, String description, Function<S, Object> read) {
    return new Metric<>(name, String.class, "", Kind.INFO, description, read);
  }

  private static <S> Metric<S> counter(String name, String unit, String description,
      ToLongFunction<S> read) {
    return new Metric<>(name, long.class, unit, Kind.COUNTER, description,
        s -> read.applyAsLong(s));
  }

  private static <S> Metric<S> gauge(String name, String unit, String description,
      ToDoubleFunction<S> read) {
    return new Metric<>(name, double.class, unit, Kind.GAUGE, description,
        s -> read.applyAsDouble(s));
  }
}
