package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** known_hosts read and matched as OpenSSH's hostfile.c and match.c do. */
class KnownHostsFileTest {

    @TempDir
    Path dir;

    private static byte[] blob(String type, int seed) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[4 + t.length + 8];
        b[3] = (byte) t.length;
        System.arraycopy(t, 0, b, 4, t.length);
        for (int i = 0; i < 8; i++) {
            b[4 + t.length + i] = (byte) (seed + i);
        }
        return b;
    }

    private static String field(byte[] blob) {
        return KnownHostsFile.typeOf(blob) + " " + Base64.getEncoder().encodeToString(blob);
    }

    private KnownHostsFile file(String text) throws Exception {
        return new KnownHostsFile(Files.writeString(dir.resolve("kh" + System.nanoTime()), text));
    }

    @Test
    void patternsMatchAsOpenSshMatchPatternListDoes() {
        assertEquals(1, KnownHostsFile.matchHostname("pve1.example.org", "*.example.org"));
        assertEquals(-1, KnownHostsFile.matchHostname("bastion.example.org", "*.example.org,!bastion.example.org"));
        assertEquals(-1, KnownHostsFile.matchHostname("BASTION.example.org", "!Bastion.Example.org,*"));
        assertEquals(1, KnownHostsFile.matchHostname("[h]:2222", "[h]:22??"));
        assertEquals(0, KnownHostsFile.matchHostname("[h]:22", "[h]:22??"));
        assertEquals(0, KnownHostsFile.matchHostname("pve1", "!pve2"), "a negation alone matches nothing");
        assertEquals(1, KnownHostsFile.matchHostname("a", "*"));
        assertTrue(KnownHostsFile.matchPattern("abxbyd", "a*b?d"));
        assertFalse(KnownHostsFile.matchPattern("abcbd", "a*b?d"));
        assertFalse(KnownHostsFile.matchPattern("abc", "a*d"));
        assertTrue(KnownHostsFile.matchPattern("", "*"));
    }

    @Test
    void aNegatedHostIsNotTrustedEvenWhenAnotherPatternOfTheLineMatches() throws Exception {
        byte[] key = blob("ssh-ed25519", 1);
        KnownHostsFile kh = file("![h]:2222,[h]:2222 " + field(key) + "\n");
        assertEquals(KnownHostsFile.Verdict.UNKNOWN, kh.check(KnownHostsFile.lookupName("h", 2222), key));
        assertTrue(kh.trustedKeys("[h]:2222").isEmpty());
    }

    @Test
    void verdictsFollowCheckHostkeysByKeyOrType() throws Exception {
        byte[] key = blob("ssh-ed25519", 1);
        byte[] other = blob("ssh-ed25519", 50);
        byte[] rsa = blob("ssh-rsa", 90);
        KnownHostsFile kh = file("""
                # comment
                   \t
                @bogus-marker pve1 %s
                pve1,pve2 %s comment here
                pve3 %s
                pve4 %s
                pve4 %s
                @cert-authority * %s
                @revoked pve5 %s
                pve5 %s
                pve6 ssh-ed25519 !!!not-base64
                pve7 ssh-rsa %s
                """.formatted(field(other), field(key), field(other), field(other), field(key), field(key),
                field(key), field(key), Base64.getEncoder().encodeToString(key)));
        assertEquals(KnownHostsFile.Verdict.OK, kh.check("PVE1", key), "case is ignored; the bad marker line is skipped");
        assertEquals(KnownHostsFile.Verdict.OK, kh.check("pve2", key));
        assertEquals(KnownHostsFile.Verdict.CHANGED, kh.check("pve3", key));
        assertEquals(KnownHostsFile.Verdict.CHANGED, kh.check("pve3", rsa), "any other key of the host: changed");
        assertEquals(KnownHostsFile.Verdict.OK, kh.check("pve4", key), "one equal key among several is enough");
        assertEquals(KnownHostsFile.Verdict.UNKNOWN, kh.check("pve9", key), "a CA line vouches for certificates only");
        assertEquals(KnownHostsFile.Verdict.REVOKED, kh.check("pve5", key), "revoked wins over a trusting line");
        assertEquals(KnownHostsFile.Verdict.UNKNOWN, kh.check("pve6", key), "an invalid key is skipped");
        assertEquals(KnownHostsFile.Verdict.UNKNOWN, kh.check("pve7", key), "a key whose blob is of another type is skipped");
        assertEquals(2, kh.trustedKeys("pve4").size());
        assertTrue(kh.trustedKeys("pve5").isEmpty(), "a revoked key is not offered as trusted");
    }

    @Test
    void hashedNamesMatchTheirHmac() throws Exception {
        byte[] key = blob("ecdsa-sha2-nistp256", 7);
        byte[] salt = new byte[20];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) (i * 13);
        }
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        String hashed = "|1|" + Base64.getEncoder().encodeToString(salt) + "|"
                + Base64.getEncoder().encodeToString(mac.doFinal("[pve1]:2222".getBytes(StandardCharsets.UTF_8)));
        KnownHostsFile kh = file(hashed + " " + field(key) + "\n");
        assertEquals(KnownHostsFile.Verdict.OK, kh.check(KnownHostsFile.lookupName("PVE1", 2222), key));
        assertEquals(KnownHostsFile.Verdict.UNKNOWN, kh.check(KnownHostsFile.lookupName("pve1", 22), key));
        assertEquals("pve1", KnownHostsFile.lookupName("pve1", 22));
    }
}
