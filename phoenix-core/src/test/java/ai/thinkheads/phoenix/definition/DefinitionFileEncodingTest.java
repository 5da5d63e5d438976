package ai.thinkheads.phoenix.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both readers on files that are not UTF-8: a {@link DefinitionException} naming file, byte offset and line. */
class DefinitionFileEncodingTest {

    @TempDir
    Path dir;

    interface Reader {
        DefinitionSet read(Path file) throws Exception;
    }

    private static Reader reader(String format) {
        return format.equals("native") ? NativeDefinitionFormat::read : OrchestratorConfigReader.defaults()::read;
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "orchestrator"})
    void aLatin1ByteIsReportedWithFileByteOffsetAndLineNotAsMalformedInput(String format) throws Exception {
        // "é" in ISO-8859-1 is the single byte 0xE9, which UTF-8 only allows as the lead of a 3-byte sequence
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("{\n  \"vms\": [\n    {\"name\": \"caf".getBytes(StandardCharsets.US_ASCII));
        int offset = bytes.size();
        bytes.write(0xE9);
        bytes.writeBytes("\"}\n  ]\n}\n".getBytes(StandardCharsets.US_ASCII));
        Path file = Files.write(dir.resolve("vms.json"), bytes.toByteArray());

        DefinitionException e = assertThrows(DefinitionException.class, () -> reader(format).read(file));
        assertEquals("vms.json", e.source());
        assertEquals(List.of(new DefinitionProblem("$", 3, 18, "the file is not UTF-8: byte 0xE9 at byte offset " + offset
                + " (line 3, column 18) is not valid UTF-8; save the file as UTF-8")), e.problems());
        assertEquals("vms.json has 1 problem:\n  $ (line 3, column 18): the file is not UTF-8: byte 0xE9 at byte offset "
                + offset + " (line 3, column 18) is not valid UTF-8; save the file as UTF-8", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "orchestrator"})
    void aUtf16FileWithAByteOrderMarkIsNamedAsSuch(String format) throws Exception {
        Path le = Files.write(dir.resolve("le.json"), "\uFEFF{\"vms\": []}".getBytes(StandardCharsets.UTF_16LE));
        Path be = Files.write(dir.resolve("be.json"), "\uFEFF{\"vms\": []}".getBytes(StandardCharsets.UTF_16BE));

        assertEquals("le.json has 1 problem:\n  $ (line 1, column 1): the file is UTF-16 (little-endian), with a byte order"
                + " mark, not UTF-8; save it as UTF-8",
                assertThrows(DefinitionException.class, () -> reader(format).read(le)).getMessage());
        assertEquals("be.json has 1 problem:\n  $ (line 1, column 1): the file is UTF-16 (big-endian), with a byte order"
                + " mark, not UTF-8; save it as UTF-8",
                assertThrows(DefinitionException.class, () -> reader(format).read(be)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "orchestrator"})
    void multiByteCharactersBeforeTheBadByteCountAsOneColumnEach(String format) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("{\"a\": \"äö".getBytes(StandardCharsets.UTF_8));
        int offset = bytes.size();
        bytes.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28}); // a lead byte followed by a non-continuation byte
        bytes.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("x.json"), bytes.toByteArray());

        DefinitionProblem p = assertThrows(DefinitionException.class, () -> reader(format).read(file)).problems().get(0);
        assertEquals(new DefinitionProblem("$", 1, 10, "the file is not UTF-8: byte 0xC3 at byte offset " + offset
                + " (line 1, column 10) is not valid UTF-8; save the file as UTF-8"), p);
    }
}
