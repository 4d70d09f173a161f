/**
 * Measuring explanations.
 *
 * <ul>
 *   <li>{@link dev.lanterne.metrics.DeletionInsertion}: the RISE paper's deletion and insertion games
 *       (curves and normalised-trapezoid AUC, {@link dev.lanterne.metrics.CausalCurve}), drawn by
 *       {@link dev.lanterne.metrics.CurvePlot}.
 *   <li>{@link dev.lanterne.metrics.PointingGame}: a hit when the map's maximum falls in a box of the
 *       class, with TorchRay's tolerance. Boxes come from a JSON file read by
 *       {@link dev.lanterne.metrics.BoxAnnotations}:
 *       <pre>
 * [{"image": "cat.png", "class": 285, "boxes": [[x0, y0, x1, y1], ...]}, ...]
 *       </pre>
 *       "image" is matched on the file name; the boxes are in model input pixels (after the model
 *       card's resize and crop), x across and y down, and contain the pixels x0 &lt;= x &lt; x1,
 *       y0 &lt;= y &lt; y1 (fractional corners allowed: a pixel is inside when its centre is).
 *   <li>{@link dev.lanterne.metrics.SanityCheck}: Adebayo et al.'s cascading weight randomisation
 *       ({@link dev.lanterne.metrics.WeightRandomizer}) with {@link dev.lanterne.metrics.Spearman}
 *       rank correlation.
 *   <li>{@link dev.lanterne.metrics.Evaluation} runs methods over images and scores every map;
 *       {@link dev.lanterne.metrics.EvaluationReport} writes evaluation.json, evaluation.csv and the
 *       curve plots. {@link dev.lanterne.metrics.BaselineMaps} are the model-independent yardsticks.
 * </ul>
 */
package dev.lanterne.metrics;
