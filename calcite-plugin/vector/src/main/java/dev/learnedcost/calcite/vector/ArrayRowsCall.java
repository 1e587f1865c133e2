package dev.learnedcost.calcite.vector;

import java.lang.reflect.Method;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;

/**
 * The code generation shared by the vector nodes whose work is one Java call on their input's
 * rows: the input is implemented as array rows, a runtime object is stashed, and the generated
 * code returns {@code runtime.apply(rows)}, an {@code Enumerable<Object[]>}.
 */
final class ArrayRowsCall {
  private ArrayRowsCall() {}

  /** Returns the public {@code apply(Enumerable)} method of a runtime class. */
  static Method applyMethod(Class<?> runtimeClass) {
    try {
      return runtimeClass.getMethod("apply", Enumerable.class);
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Implements {@code node} (one input) as {@code runtime.apply(inputRows)}.
   *
   * @param variable the name of the input's variable in the generated code
   */
  static <T> EnumerableRel.Result implement(EnumerableRel node,
      EnumerableRelImplementor implementor, String variable, T runtime, Class<T> runtimeClass,
      Method apply) {
    EnumerableRel.Result child = implementor.visitChild(node, 0,
        (EnumerableRel) node.getInput(0), EnumerableRel.Prefer.ARRAY);
    BlockBuilder bb = new BlockBuilder();
    Expression childExp = bb.append(variable, child.block);
    Expression rows = child.physType.convertTo(childExp, JavaRowFormat.ARRAY);
    Expression target = implementor.stash(runtime, runtimeClass);
    bb.add(Expressions.return_(null, Expressions.call(target, apply, rows)));
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), node.getRowType(),
        JavaRowFormat.ARRAY);
    return implementor.result(physType, bb.toBlock());
  }
}
