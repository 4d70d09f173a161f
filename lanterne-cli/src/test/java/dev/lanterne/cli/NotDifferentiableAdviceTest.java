package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When the model cannot be differentiated, each command names only a fallback it (or another command) has. */
class NotDifferentiableAdviceTest {
  @Test
  void adviceNamesFlagsTheCommandHas() {
    assertTrue(ExplainSupport.withoutCompiledGradient("saliency").contains("--gradient finite-difference"));
    assertTrue(ExplainSupport.withoutCompiledGradient("invert").contains("--gradient fd"));
    for (String command : new String[] {"gradcam", "compile", "check", "layers"}) {
      String advice = ExplainSupport.withoutCompiledGradient(command);
      assertFalse(advice.startsWith("rerun with --gradient"), command + " has no --gradient flag: " + advice);
      assertTrue(advice.contains("lanterne occlusion") && advice.contains("lanterne saliency --gradient"), advice);
    }
  }
}
