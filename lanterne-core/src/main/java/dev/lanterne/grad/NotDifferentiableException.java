package dev.lanterne.grad;

import dev.lanterne.LanterneException;

/**
 * The gradient compiler cannot differentiate a node (no rule for its operator, or a form the rule
 * does not handle). The message names the node and its operator and says why; what the user can do
 * instead depends on the command, so callers add that advice.
 */
public final class NotDifferentiableException extends LanterneException {
  private final String node;
  private final String operator;

  /**
   * @param node the node's name
   * @param operator its op_type (with its domain when not the default one)
   * @param message the one-line description
   */
  public NotDifferentiableException(String node, String operator, String message) {
    super(message);
    this.node = node;
    this.operator = operator;
  }

  /** Name of the node that cannot be differentiated. */
  public String node() {
    return node;
  }

  /** Its operator. */
  public String operator() {
    return operator;
  }
}
