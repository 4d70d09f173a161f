/**
 * Explanations read from a transformer's attention: attention rollout (Abnar and Zuidema 2020) and
 * gradient-weighted attention rollout (Chefer, Gur and Wolf 2021), on the attention maps that
 * {@link dev.lanterne.grad.LayerFinder#attentionMaps} finds in a ViT-like ONNX graph.
 */
package dev.lanterne.explain.attention;
