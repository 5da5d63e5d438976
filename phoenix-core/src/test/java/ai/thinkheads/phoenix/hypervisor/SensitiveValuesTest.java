package ai.thinkheads.phoenix.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SensitiveValuesTest {

    @Test
    void redactionCatchesTheUrlEncodedAndJsonEscapedFormsOfASecret() throws Exception {
        String secret = "pa\"ss/wörd \\ 100%";
        String json = new ObjectMapper().writeValueAsString(Map.of("v", secret));
        String text = "raw " + secret + " | json " + json + " | uri " + SensitiveValues.uriEscape(secret)
                + " | form " + URLEncoder.encode(secret, StandardCharsets.UTF_8)
                + " | perl ascii pa\\\"ss\\/w\\u00f6rd \\\\ 100%";
        String redacted = SensitiveValues.redact(text, Set.of(secret));
        assertEquals("raw <redacted> | json {\"v\":\"<redacted>\"} | uri <redacted> | form <redacted> | perl ascii <redacted>",
                redacted);
    }

    @Test
    void longerSecretsAreReplacedWholeAndNothingElseIsTouched() {
        assertEquals("a <redacted> b <redacted>", SensitiveValues.redact("a abcdef b abc", List.of("abc", "abcdef")));
        assertEquals("nothing here", SensitiveValues.redact("nothing here", List.of("secret")));
        assertEquals("x", SensitiveValues.redact("x", List.of("")));
        assertNull(SensitiveValues.redact(null, List.of("s")));
        assertFalse(SensitiveValues.masked(Map.of("cipassword", "s", "cores", "2")).containsValue("s"));
    }
}
