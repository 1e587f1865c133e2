package dev.learnedcost.calcite;

import dev.learnedcost.engine.OperatorScope;
import org.apache.calcite.rel.RelNode;

/**
 * Receives every correction the model computes in {@link LoraMode#SHADOW} and
 * {@link LoraMode#ON}: the hook through which a learner (or a test) sees the embeddings the
 * planner produced. Called on planner threads, inside metadata handlers: keep it quick and do
 * not call back into the planner. An exception thrown here is treated as a handler failure (the
 * node gets its stock estimate).
 */
@FunctionalInterface
public interface LoraObserver {
  /**
   * Called once per computed correction.
   *
   * @param rel the node
   * @param scope its scope
   * @param readout {@link CostEmbedding#READOUT_ROWS} or {@link CostEmbedding#READOUT_COST}
   * @param embedding the node's embedding; a per-thread buffer that is reused after this call
   *     returns, so copy it to keep it
   * @param base the stock estimate (rows, or the cost's rows + weighted cpu and io)
   * @param factor the clamped correction factor the model computed ({@code learned = base *
   *     factor} in ON mode)
   */
  void onCorrection(
      RelNode rel, OperatorScope scope, int readout, float[] embedding, double base,
      double factor);
}
