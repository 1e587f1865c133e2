package dev.learnedcost.examples.run;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * A data source whose connections, statements and result sets fail once a flag is set, so that
 * a Calcite execution reading from H2 can be stopped.
 *
 * <p>Why: Calcite checks a statement's cancel flag only between the rows it returns. A plan that
 * does all its work before the first row (an aggregate over a nested-loop join whose inner side
 * re-runs its H2 query for every outer row) does not notice, and interrupting the thread would
 * close H2's file channel and break the database for everyone. Failing the next JDBC call of the
 * plan (every {@code ResultSet.next()} and every new connection or query) stops it within one
 * H2 call. {@code close}, {@code isClosed} and the {@code Object} methods keep working.
 *
 * <p>Cost: one reflective dispatch per JDBC call, the same for stock and learned Calcite; H2's own
 * executions are not wrapped.
 */
final class CancellableDataSource {
  private static final Set<Class<?>> WRAPPED = Set.of(Connection.class, Statement.class,
      PreparedStatement.class, CallableStatement.class, ResultSet.class);
  private static final Set<String> ALWAYS_ALLOWED =
      Set.of("close", "isClosed", "toString", "hashCode", "equals");

  private CancellableDataSource() {}

  /** Returns {@code target} wrapped; every call fails with an SQLException while {@code flag}. */
  static DataSource wrap(DataSource target, AtomicBoolean flag) {
    return proxy(DataSource.class, target, flag);
  }

  private static <T> T proxy(Class<T> type, Object target, AtomicBoolean flag) {
    InvocationHandler handler = (proxy, method, args) -> invoke(target, method, args, flag);
    return type.cast(Proxy.newProxyInstance(CancellableDataSource.class.getClassLoader(),
        new Class<?>[] {type}, handler));
  }

  private static Object invoke(Object target, Method method, Object[] args, AtomicBoolean flag)
      throws Throwable {
    if (flag.get() && !ALWAYS_ALLOWED.contains(method.getName())) {
      throw new SQLException("cancelled: the demo's query timeout expired", "HY008");
    }
    Object result;
    try {
      result = method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    Class<?> type = method.getReturnType();
    if (result != null && WRAPPED.contains(type)) {
      return proxy(type, result, flag);
    }
    return result;
  }
}
