package ai.thinkheads.phoenix.testkit.model;

import com.github.stephenc.javaisotools.iso9660.ISO9660File;
import com.github.stephenc.javaisotools.iso9660.ISO9660RootDirectory;
import com.github.stephenc.javaisotools.iso9660.impl.CreateISO;
import com.github.stephenc.javaisotools.iso9660.impl.ISO9660Config;
import com.github.stephenc.javaisotools.iso9660.impl.ISOImageFileHandler;
import com.github.stephenc.javaisotools.joliet.impl.JolietConfig;
import com.github.stephenc.javaisotools.sabre.impl.ByteArrayDataReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Builds NoCloud seed ISOs (volume label {@code cidata}) in tests, as {@code genisoimage -V cidata -J -R} would. */
final class CidataIso {

    private CidataIso() {
    }

    /** An ISO with {@code files} (name → content) in its root; with {@code joliet} false only ISO 9660 level-1 names. */
    static byte[] of(String label, Map<String, String> files, boolean joliet) {
        try {
            ISO9660RootDirectory root = new ISO9660RootDirectory();
            for (Map.Entry<String, String> f : files.entrySet()) {
                byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
                root.addFile(new ISO9660File(new ByteArrayDataReference(content), f.getKey(), 0L));
            }
            ISO9660Config config = new ISO9660Config();
            config.allowASCII(false);
            config.setInterchangeLevel(1);
            config.restrictDirDepthTo8(true);
            config.setVolumeID(label);
            config.forceDotDelimiter(false);
            JolietConfig jolietConfig = null;
            if (joliet) {
                jolietConfig = new JolietConfig();
                jolietConfig.setVolumeID(label);
                jolietConfig.forceDotDelimiter(false);
            }
            Path out = Files.createTempFile("cidata-test", ".iso");
            try {
                new CreateISO(new ISOImageFileHandler(out.toFile()), root).process(config, null, jolietConfig, null);
                return Files.readAllBytes(out);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not build the test ISO", e);
        }
    }
}
