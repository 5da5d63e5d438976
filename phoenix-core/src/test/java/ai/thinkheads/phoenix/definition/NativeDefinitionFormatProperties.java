package ai.thinkheads.phoenix.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.thinkheads.phoenix.testing.ThoroughTries;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of {@link NativeDefinitionFormat} over generated definition sets ({@link RandomDefinitions}). */
class NativeDefinitionFormatProperties {

    private static final MiniSchemaValidator SCHEMA = schema();

    private static MiniSchemaValidator schema() {
        try {
            return new MiniSchemaValidator(new ObjectMapper().readTree(NativeDefinitionFormat.schema()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<DefinitionSet> sets() {
        return Arbitraries.randomValue((Random r) -> new RandomDefinitions(r).set());
    }

    @Property(tries = 150)
    @ThoroughTries(1000)
    void writeThenReadGivesEqualValues(@ForAll("sets") DefinitionSet set) {
        String json = NativeDefinitionFormat.write(set);
        assertEquals(set, NativeDefinitionFormat.read(json, "generated.json"), json);
    }

    @Property(tries = 150)
    @ThoroughTries(1000)
    void writingIsStable(@ForAll("sets") DefinitionSet set) {
        String json = NativeDefinitionFormat.write(set);
        assertEquals(json, NativeDefinitionFormat.write(NativeDefinitionFormat.read(json, "generated.json")));
    }

    @Property(tries = 150)
    @ThoroughTries(1000)
    void theShippedSchemaAcceptsWhatIsWritten(@ForAll("sets") DefinitionSet set) throws Exception {
        String json = NativeDefinitionFormat.write(set);
        assertEquals(List.of(), SCHEMA.validate(new ObjectMapper().readTree(json)), json);
    }
}
