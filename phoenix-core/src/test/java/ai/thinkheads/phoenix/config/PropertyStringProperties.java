package ai.thinkheads.phoenix.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PropertyStringProperties {

    @Property
    void parseOfFormatIsIdentity(@ForAll("propertyStrings") PropertyString ps) {
        assertEquals(ps, PropertyString.parse(ps.format(), ps.defaultKey()));
    }

    @Property
    void formatOfParseIsCanonical(@ForAll("propertyStringTexts") String text) {
        String once = PropertyString.parse(text, "file").format();
        assertEquals(once, PropertyString.parse(once, "file").format());
    }

    @Test
    void aBareValueThatWouldReadBackAsAKeyIsRejected() {
        assertThrows(PropertyStringException.class, () -> PropertyString.of("file", Map.of("file", "a=b")));
        assertThrows(PropertyStringException.class, () -> PropertyString.of("file", Map.of("file", " ")));
    }

    @Test
    void printsDefaultKeyFirstThenSortedKeys() {
        assertEquals("local:1,a=1,z=2", PropertyString.parse("z=2,local:1,,a=1", "file").format());
    }

    @Provide
    Arbitrary<PropertyString> propertyStrings() {
        Arbitrary<String> keys = Arbitraries.strings().withCharRange('a', 'z').withChars('-', '_').ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> values = Arbitraries.strings().withCharRange('!', '~').excludeChars(',').ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> bare = values.filter(v -> v.indexOf('=') < 0);
        return Combinators.combine(Arbitraries.maps(keys, values).ofMaxSize(6), bare.injectNull(0.3))
                .as((map, bareValue) -> {
                    LinkedHashMap<String, String> m = new LinkedHashMap<>(map);
                    m.remove("file");
                    if (bareValue != null) {
                        m.put("file", bareValue);
                    }
                    return PropertyString.of("file", m);
                });
    }

    @Provide
    Arbitrary<String> propertyStringTexts() {
        return propertyStrings().list().ofMaxSize(1).map(l -> l.isEmpty() ? "" : l.get(0).format())
                .flatMap(s -> Arbitraries.of(s, s + ",", "," + s, s.replace(",", ",,")));
    }
}
