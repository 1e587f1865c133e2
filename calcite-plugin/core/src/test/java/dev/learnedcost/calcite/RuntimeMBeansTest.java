package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.engine.OperatorScope;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.junit.jupiter.api.Test;

/**
 * The runtime's JMX MBeans: registered on open under the documented names, read the runtime's
 * counters and scope statistics, survive name collisions without failing an open, and are all
 * gone after close.
 */
class RuntimeMBeansTest {
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  @Test
  void open_registersRuntimeAndEveryScope_closeUnregistersThem() throws Exception {
    ObjectName name = new ObjectName("dev.learnedcost:type=LoraRuntime,name=jmx-basic");
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder()
        .name("jmx-basic").build())) {
      assertThat(runtime.objectName()).contains(name);
      assertThat(SERVER.isRegistered(name)).isTrue();
      for (OperatorScope scope : OperatorScope.values()) {
        assertThat(SERVER.isRegistered(new ObjectName(name + ",scope=" + scope.displayName())))
            .as(scope.displayName()).isTrue();
      }
      assertThat(SERVER.getAttribute(name, "Name")).isEqualTo("jmx-basic");
      assertThat(SERVER.getAttribute(name, "StateFile")).isEqualTo("");
      assertThat(SERVER.getAttribute(name, "TrainSteps")).isEqualTo(0L);
      MBeanAttributeInfo ms = attribute(name, "MsPerCostUnit");
      assertThat(ms.getType()).isEqualTo("double");
      assertThat(ms.getDescriptor().getFieldValue("units")).isEqualTo("ms");
      assertThat(attribute(name, "TrainSteps").getDescriptor().getFieldValue("metricType"))
          .isEqualTo("counter");
    }
    assertThat(registered("jmx-basic")).isEmpty();
  }

  @Test
  void attributes_readTheRuntimesCountersAndScopeStatistics_afterLearning() throws Exception {
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().name("jmx-learn")
        .synchronous(true).build());
        Connection c = StarH2.connect(runtime.driver(LoraMode.ON, true))) {
      for (int i = 0; i < 3; i++) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("select count(*) from f1 join d on f1.d = d.d"
                + " where d.score < " + (100 + i))) {
          assertThat(rs.next()).isTrue();
        }
      }
      assertThat(runtime.awaitIdle(Duration.ofSeconds(30))).isTrue();
      ObjectName name = runtime.objectName().orElseThrow();
      LoraStats stats = runtime.stats();
      AttributeList read = SERVER.getAttributes(name, new String[] {"TrainSteps",
          "ExecutionsProcessed", "Queries", "CalibrationObservations"});
      assertThat(read.asList()).extracting(Attribute::getValue).containsExactly(
          stats.trainSteps(), stats.processed(), stats.queries(),
          stats.calibrationObservations());
      assertThat(stats.trainSteps()).isPositive();
      assertThat(stats.processed()).isEqualTo(3);

      ObjectName seqScan = new ObjectName(name + ",scope=SeqScan");
      ScopeStats scope = runtime.scopeStats(OperatorScope.SeqScan);
      assertThat(scope.observations()).isPositive();
      assertThat(SERVER.getAttribute(seqScan, "Observations")).isEqualTo(scope.observations());
      assertThat(SERVER.getAttribute(seqScan, "Adaptations")).isEqualTo(scope.adaptations());
      assertThat(SERVER.getAttribute(seqScan, "StockRowError"))
          .isEqualTo(scope.stockRowError());
      assertThat((Double) SERVER.getAttribute(seqScan, "AdapterNorm")).isPositive();
      assertThat(SERVER.getAttribute(seqScan, "Scope")).isEqualTo("SeqScan");
    }
    assertThat(registered("jmx-learn")).isEmpty();
  }

  @Test
  void thousandRuntimes_openedAndClosed_leaveNoMBean() throws Exception {
    // Up to three open at once under one name: the collisions take instance keys, and every
    // name is given back on close.
    Deque<LoraRuntime> open = new ArrayDeque<>();
    Set<ObjectName> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      LoraRuntime r = LoraRuntime.open(LoraRuntimeConfig.builder().name("jmx-leak").build());
      ObjectName on = r.objectName().orElseThrow();
      for (LoraRuntime other : open) {
        assertThat(other.objectName()).isNotEqualTo(r.objectName());
      }
      seen.add(on);
      open.addLast(r);
      if (open.size() == 3) {
        // close the oldest or the newest in turn, so freed names are reused out of order
        (i % 2 == 0 ? open.removeFirst() : open.removeLast()).close();
      }
    }
    assertThat(registered("jmx-leak")).hasSize(open.size() * (1 + OperatorScope.COUNT));
    while (!open.isEmpty()) {
      open.removeFirst().close();
    }
    assertThat(seen).contains(new ObjectName("dev.learnedcost:type=LoraRuntime,name=jmx-leak"),
        new ObjectName("dev.learnedcost:type=LoraRuntime,name=jmx-leak,instance=2"));
    assertThat(registered("jmx-leak")).isEmpty();
  }

  @Test
  void sameName_secondRuntimeTakesAnInstanceKey_andTheFreedNameIsReused() throws Exception {
    LoraRuntimeConfig config = LoraRuntimeConfig.builder().name("jmx-twice").build();
    ObjectName base = new ObjectName("dev.learnedcost:type=LoraRuntime,name=jmx-twice");
    try (LoraRuntime first = LoraRuntime.open(config)) {
      try (LoraRuntime second = LoraRuntime.open(config)) {
        assertThat(first.objectName()).contains(base);
        ObjectName two = new ObjectName(base + ",instance=2");
        assertThat(second.objectName()).contains(two);
        assertThat(SERVER.isRegistered(new ObjectName(two + ",scope=HashJoin"))).isTrue();
        assertThat(SERVER.getAttribute(two, "Name")).isEqualTo("jmx-twice");
        first.close();
        try (LoraRuntime third = LoraRuntime.open(config)) {
          assertThat(third.objectName()).contains(base);
        }
      }
    }
    assertThat(registered("jmx-twice")).isEmpty();
  }

  @Test
  void foreignMBeanInTheWay_runtimeStillOpens_andTheForeignMBeanStays() throws Exception {
    ObjectName foreign = new ObjectName(
        "dev.learnedcost:type=LoraRuntime,name=jmx-foreign,scope=HashJoin");
    SERVER.registerMBean(new StandardMBean(new Probe(), ProbeMBean.class), foreign);
    try {
      try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder()
          .name("jmx-foreign").build())) {
        assertThat(runtime.objectName()).isPresent();
        assertThat(SERVER.isRegistered(new ObjectName(
            "dev.learnedcost:type=LoraRuntime,name=jmx-foreign,scope=SeqScan"))).isTrue();
        assertThat(SERVER.getAttribute(foreign, "Value")).isEqualTo(7);
      }
      assertThat(registered("jmx-foreign")).containsExactly(foreign);
    } finally {
      SERVER.unregisterMBean(foreign);
    }
  }

  @Test
  void jmxDisabled_registersNothing() throws Exception {
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().name("jmx-off")
        .jmxEnabled(false).build())) {
      assertThat(runtime.objectName()).isEmpty();
      assertThat(registered("jmx-off")).isEmpty();
    }
  }

  @Test
  void nameWithJmxSyntax_isQuoted() throws Exception {
    String odd = "C:\\db\\learned,v2=x.lcfs";
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().name(odd)
        .build())) {
      ObjectName on = runtime.objectName().orElseThrow();
      assertThat(on.getKeyProperty("name")).isEqualTo(ObjectName.quote(odd));
      assertThat(ObjectName.unquote(on.getKeyProperty("name"))).isEqualTo(odd);
      assertThat(SERVER.getAttribute(on, "Name")).isEqualTo(odd);
    }
    assertThat(RuntimeMBeans.value("plain-name_1.lcfs")).isEqualTo("plain-name_1.lcfs");
    assertThat(RuntimeMBeans.value("/var/lib/db/learned.lcfs"))
        .isEqualTo("/var/lib/db/learned.lcfs");
  }

  @Test
  void urlDriverRuntime_isNamedByLoraName_untilItsLastConnectionCloses() throws Exception {
    ObjectName name = new ObjectName("dev.learnedcost:type=LoraRuntime,name=jmx-url");
    try (Connection c = DriverManager.getConnection("jdbc:calcite-lora:loraName=jmx-url")) {
      assertThat(c.isClosed()).isFalse();
      assertThat(SERVER.isRegistered(name)).isTrue();
      assertThat(LoraDriver.runtime("jmx-url").orElseThrow().objectName()).contains(name);
    }
    assertThat(registered("jmx-url")).isEmpty();
    try (Connection c = DriverManager.getConnection(
        "jdbc:calcite-lora:loraName=jmx-url-off;loraJmx=false")) {
      assertThat(c.isClosed()).isFalse();
      assertThat(registered("jmx-url-off")).isEmpty();
    }
  }

  @Test
  void emptyOrBlankName_isRefusedByTheConfig() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> LoraRuntimeConfig.builder().name(" ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be blank, got ' '; pass null for the default name");
    assertThat(LoraRuntimeConfig.defaults().name()).isEqualTo("default");
    assertThat(LoraRuntimeConfig.builder().stateFile(java.nio.file.Path.of("/tmp/x.lcfs"))
        .build().name()).isEqualTo("/tmp/x.lcfs");
  }

  private static Set<ObjectName> registered(String runtimeName) throws Exception {
    return SERVER.queryNames(new ObjectName("dev.learnedcost:type=LoraRuntime,name="
        + RuntimeMBeans.value(runtimeName) + ",*"), null);
  }

  private static MBeanAttributeInfo attribute(ObjectName name, String attribute)
      throws Exception {
    for (MBeanAttributeInfo a : SERVER.getMBeanInfo(name).getAttributes()) {
      if (a.getName().equals(attribute)) {
        return a;
      }
    }
    throw new AssertionError("no attribute " + attribute + " in " + name);
  }

  /** A foreign MBean's interface. */
  public interface ProbeMBean {
    int getValue();
  }

  /** A foreign MBean. */
  public static final class Probe implements ProbeMBean {
    @Override
    public int getValue() {
      return 7;
    }
  }
}
