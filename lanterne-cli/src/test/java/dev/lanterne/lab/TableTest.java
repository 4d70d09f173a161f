package dev.lanterne.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The results tables: CSV quoting, Markdown escaping, number formats, NaN as a gap. */
class TableTest {
  private static Table sample() {
    return new Table("t", "method", "label", "auc", "hits")
        .add("rise", "sports car, sport car", 0.12345, "1/2")
        .add("a|b", "x\"y", Double.NaN, 3)
        .add("tiny", "z", 0.001234, 0);
  }

  @Test
  void csvQuotesCommasAndQuotes() {
    assertEquals("method,label,auc,hits\n"
        + "rise,\"sports car, sport car\",0.123,1/2\n"
        + "a|b,\"x\"\"y\",-,3\n"
        + "tiny,z,0.0012,0\n", sample().csv());
  }

  @Test
  void markdownEscapesPipesAndRightAlignsValues() {
    List<String> lines = sample().markdown().lines().toList();
    assertEquals("| method | label | auc | hits |", lines.get(0));
    assertEquals("|---|---:|---:|---:|", lines.get(1));
    assertEquals("| a\\|b | x\"y | - | 3 |", lines.get(3));
  }

  @Test
  void jsonRecordsKeepNumbersAndTurnNanIntoNull() {
    List<Map<String, Object>> r = sample().records();
    assertEquals(0.12345, r.get(0).get("auc"));
    assertNull(r.get(1).get("auc"));
    assertEquals(3, r.get(1).get("hits"));
  }

  @Test
  void rowsMustFillEveryColumn() {
    assertThrows(IllegalArgumentException.class, () -> new Table("t", "a", "b").add("only one"));
  }
}
