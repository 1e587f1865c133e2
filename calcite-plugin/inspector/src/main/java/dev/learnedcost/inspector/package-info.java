/**
 * {@code lora-inspect}, the state-file inspector: start reading at
 * {@link dev.learnedcost.inspector.Inspector}. Built on calcite-plugin's public
 * {@code LoraStateFile}; it imports nothing from {@code dev.learnedcost.calcite.internal}.
 */
package dev.learnedcost.inspector;
