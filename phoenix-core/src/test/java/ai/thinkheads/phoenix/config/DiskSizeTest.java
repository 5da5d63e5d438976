package ai.thinkheads.phoenix.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DiskSizeTest {

    @ParameterizedTest
    @CsvSource({
        "32G, 34359738368, 32G",
        "32GiB, 34359738368, 32G",
        "1.5T, 1649267441664, 1536G",
        "512MiB, 536870912, 512M",
        "4096, 4096, 4K",
        "4097, 4097, 4097",
        "1.1K, 1126, 1126",
        "9007199254740993, 9007199254740993, 9007199254740993",
        "1024T, 1125899906842624, 1024T",
    })
    void parsesLikeParseSizeAndPrintsLikeFormatSize(String text, long bytes, String printed) {
        DiskSize size = DiskSize.parse(text);
        assertEquals(bytes, size.bytes());
        assertEquals(printed, size.toString());
        assertEquals(size, DiskSize.parse(size.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "G", "-1G", "1E", "1gb", "1 G", "0", "0.5", "9999999T"})
    void rejects(String text) {
        assertThrows(IllegalArgumentException.class, () -> DiskSize.parse(text));
    }
}
