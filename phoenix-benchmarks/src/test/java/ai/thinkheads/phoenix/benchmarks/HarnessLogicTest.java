package ai.thinkheads.phoenix.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The harness's own logic: the floors, median and spread, and the table writer. */
class HarnessLogicTest {

    @Test
    void planFloorIsOneListingRoundTripPlusOneRoundPerParallelBatch() {
        assertEquals(Duration.ofMillis(5 * (1 + 13)), Floors.planOverApi(Duration.ofMillis(5), 100, 8));
        assertEquals(Duration.ofMillis(20 * (1 + 1000)), Floors.planOverApi(Duration.ofMillis(20), 1000, 1));
        assertEquals(Duration.ofMillis(20 * (1 + 1)), Floors.planOverApi(Duration.ofMillis(20), 10, 16));
        assertEquals(Duration.ofMillis(5), Floors.planOverApi(Duration.ofMillis(5), 0, 8));
        assertThrows(IllegalArgumentException.class, () -> Floors.planOverApi(Duration.ofMillis(5), 10, 0));
        assertEquals(Duration.ofSeconds(100), Floors.lockBound(50, Duration.ofSeconds(2)));
    }

    @Test
    void medianAndSpreadOfMeasuredRuns() {
        Measured m = new Measured(List.of(3.0, 1.0, 2.0, 10.0));
        assertEquals(2.5, m.median());
        assertEquals("1–10 (4 runs)", m.spread());
        assertEquals(7.0, new Measured(List.of(7.0)).median());
        assertEquals("", new Measured(List.of(7.0)).spread());
    }

    @Test
    void theTableCarriesEachRowWithItsParametersAndTarget() throws Exception {
        Row ok = Row.of("2 plan over SSH", "remote commands", Map.of("N", 1000), 2, "", "").atMost(3, "≤ 3");
        Row miss = Row.of("1 plan over API", "ratio | to floor", Map.of("N", 100), 1.6, "1.5–1.7", "×").atMost(1.25, "≤ 1.25");
        ResultsTable t = new ResultsTable(List.of(ok, miss), Map.of("cores", 2));
        String md = t.markdown();
        assertTrue(md.contains("| 2 plan over SSH | remote commands | N=1000 | 2 |  | ≤ 3 | yes |"), md);
        assertTrue(md.contains("ratio \\| to floor"), "a '|' in a cell is escaped");
        assertTrue(md.contains("| 1.60 × | 1.5–1.7 | ≤ 1.25 | **no** |"), md);
        assertTrue(md.startsWith("Machine: cores 2"));
        JsonNode json = new ObjectMapper().readTree(t.json());
        assertEquals(2, json.path("machine").path("cores").asInt());
        assertEquals(1000, json.path("rows").get(0).path("parameters").path("N").asInt());
        assertTrue(json.path("rows").get(0).path("met").asBoolean());
        assertFalse(json.path("rows").get(1).path("met").asBoolean());
        assertTrue(Row.of("x", "y", Map.of(), 5, "", "").met() == null);
    }
}
