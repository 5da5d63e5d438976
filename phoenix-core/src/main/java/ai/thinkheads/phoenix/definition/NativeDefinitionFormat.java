package ai.thinkheads.phoenix.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Phoenix's own definition file format: JSON, versioned ({@code "phoenix": 1}), a {@code defaults}
 * section merged into every VM, and one object per VM that says everything a {@link VmDefinition}
 * holds. The format is documented in {@code docs/definition-format.md}; its JSON Schema (draft
 * 2020-12) ships in the jar as {@link #SCHEMA_RESOURCE}.
 *
 * <p>Where to start:
 * <pre>{@code
 * DefinitionSet set = NativeDefinitionFormat.read(Path.of("vms.phoenix.json"));
 * String json = NativeDefinitionFormat.write(set);      // read(write(set)) equals set
 * }</pre>
 *
 * <p>A file of another major version is refused with a {@link DefinitionException} naming both
 * versions. Reading reports every problem at once, each with JSON path, line and column; members
 * the format does not define are problems (typos are caught), except members whose names start
 * with {@code x-}, which are kept in the {@code ignored} maps.
 *
 * <p>This class is the entry point; the reading and the writing live in the package-private
 * {@code NativeDefinitionReader} and {@code NativeDefinitionWriter}.
 */
public final class NativeDefinitionFormat {

    /** The major format version this class reads and writes. */
    public static final int VERSION = 1;
    /** Class-path location of the JSON Schema of version {@value #VERSION}. */
    public static final String SCHEMA_RESOURCE = "/ai/thinkheads/phoenix/definition/phoenix-definitions-v1.schema.json";

    static final Set<String> VM_KEYS = Set.of("name", "vmid", "node", "source", "sockets", "cores", "cpu", "memory",
            "balloon", "scsihw", "disks", "nics", "cloudInit", "agent", "boot", "onboot", "startup", "tags", "pool",
            "description", "pci", "template", "start", "options", "dependsOn", "features", "snapshots", "extras", "ignored");

    private NativeDefinitionFormat() {
    }

    /** Reads {@code file} (UTF-8); problems name the file by its file name. */
    public static DefinitionSet read(Path file) throws IOException {
        return read(Utf8File.read(file, String.valueOf(file.getFileName())), String.valueOf(file.getFileName()));
    }

    /**
     * Reads the JSON {@code text}.
     *
     * @param sourceName how problems name the input, e.g. the file name
     * @throws DefinitionException with every problem found, or at once for an unsupported version
     */
    public static DefinitionSet read(String text, String sourceName) {
        LocatedJson json = LocatedJson.parse(text, sourceName);
        return new NativeDefinitionReader(new JsonReading(json, sourceName)).read();
    }

    /** The JSON text of {@code set}: version, its VMs in order (every value written out, no defaults), its ignored fields. */
    public static String write(DefinitionSet set) {
        ObjectNode root = JsonReading.MAPPER.createObjectNode();
        root.put("phoenix", VERSION);
        ArrayNode vms = root.putArray("vms");
        set.vms().forEach(v -> vms.add(NativeDefinitionWriter.vm(v)));
        if (!set.ignored().isEmpty()) {
            root.set("ignored", NativeDefinitionWriter.rawMap(set.ignored()));
        }
        try {
            return JsonReading.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JsonNode could not be written", e);
        }
    }

    /** The JSON text of {@code vms} with no file-level ignored fields. */
    public static String write(List<VmDefinition> vms) {
        return write(DefinitionSet.of(vms));
    }

    /** The JSON Schema of version {@value #VERSION}, as shipped in the jar. */
    public static String schema() {
        try (InputStream in = NativeDefinitionFormat.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
