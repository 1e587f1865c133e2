package dev.learnedcost.calcite;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.ImmutableDescriptor;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;
import javax.management.ReflectionException;

/**
 * A read-only MBean over immutable snapshots: each attribute is a function of one snapshot, so
 * {@code getAttributes} (what monitoring agents call) reads every attribute from the same
 * snapshot, and nothing is computed until someone reads. Every attribute carries its unit and
 * kind in the MBean info (descriptor fields {@code units} and {@code metricType}, as the JMX
 * specification names them), so JConsole and agents show them.
 *
 * @param <S> the snapshot type
 */
final class SnapshotMBean<S> implements DynamicMBean {
  /** How a reader should treat a value: a total that only grows, or a level. */
  enum Kind {
    COUNTER("counter"), GAUGE("gauge"), INFO("info");

    final String field;

    Kind(String field) {
      this.field = field;
    }
  }

  /**
   * One attribute.
   *
   * @param name the attribute name (upper camel case)
   * @param type its open type's class ({@code long.class}, {@code double.class},
   *     {@code String.class}, {@code int.class})
   * @param unit its unit, or {@code ""} for none
   * @param kind counter, gauge or info
   * @param description one sentence for JConsole
   * @param read reads it from a snapshot
   */
  record Metric<S>(String name, Class<?> type, String unit, Kind kind, String description,
      Function<S, Object> read) {}

  private final Supplier<S> snapshots;
  private final List<Metric<S>> metrics;
  private final MBeanInfo info;

  SnapshotMBean(String className, String description, Supplier<S> snapshots,
      List<Metric<S>> metrics) {
    this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
    this.metrics = List.copyOf(metrics);
    MBeanAttributeInfo[] attributes = new MBeanAttributeInfo[metrics.size()];
    for (int i = 0; i < attributes.length; i++) {
      Metric<S> m = metrics.get(i);
      attributes[i] = new MBeanAttributeInfo(m.name(), m.type().getName(),
          m.description() + (m.unit().isEmpty() ? "" : " (" + m.unit() + ")"), true, false,
          false, new ImmutableDescriptor("units=" + m.unit(), "metricType=" + m.kind().field));
    }
    this.info = new MBeanInfo(className, description, attributes, null,
        new MBeanOperationInfo[0], new MBeanNotificationInfo[0]);
  }

  @Override
  public Object getAttribute(String attribute) throws AttributeNotFoundException {
    Metric<S> m = metric(attribute);
    if (m == null) {
      throw new AttributeNotFoundException("no attribute '" + attribute + "'; the attributes are"
          + " listed in the MBean info");
    }
    return m.read().apply(snapshots.get());
  }

  @Override
  public AttributeList getAttributes(String[] attributes) {
    S s = snapshots.get();
    AttributeList out = new AttributeList();
    for (String a : attributes) {
      Metric<S> m = metric(a);
      if (m != null) {
        out.add(new Attribute(a, m.read().apply(s)));
      }
    }
    return out;
  }

  private Metric<S> metric(String name) {
    for (Metric<S> m : metrics) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    return null;
  }

  @Override
  public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
    throw new AttributeNotFoundException("attribute '" + attribute.getName()
        + "' is read-only: every attribute of this MBean is");
  }

  @Override
  public AttributeList setAttributes(AttributeList attributes) {
    return new AttributeList();
  }

  @Override
  public Object invoke(String actionName, Object[] params, String[] signature)
      throws MBeanException, ReflectionException {
    throw new ReflectionException(new NoSuchMethodException(actionName),
        "this MBean has no operations, got '" + actionName + "'");
  }

  @Override
  public MBeanInfo getMBeanInfo() {
    return info;
  }
}
