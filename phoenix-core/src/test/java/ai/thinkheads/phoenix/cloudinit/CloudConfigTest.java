package ai.thinkheads.phoenix.cloudinit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class CloudConfigTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode parse(String doc) throws Exception {
        return YAML.readTree(doc);
    }

    @Test
    void rendersEveryPartAsCloudInitReadsIt() throws Exception {
        CloudConfig doc = CloudConfig.builder()
                .hostname("web-01").fqdn("web-01.lab").manageEtcHosts(true)
                .user(CloudConfig.User.admin("ops", List.of("ssh-ed25519 AAAA me@x"), "$6$salt$hash"))
                .packageUpdate(true).packageUpgrade(false)
                .aptSource("docker.list", new CloudConfig.AptSource("deb https://x $RELEASE stable", "ABCD", null))
                .packages("qemu-guest-agent", "nfs-common")
                .writeFile(new CloudConfig.WriteFile("/etc/motd", "hi\n", "0644", "root:root"))
                .mount("10.0.0.13:/data", "/data", "nfs", "defaults,_netdev", "0", "0")
                .runcmd("systemctl", "enable", "--now", "qemu-guest-agent")
                .build();
        String text = doc.render();
        assertTrue(text.startsWith("#cloud-config\n"), text);
        JsonNode y = parse(text);
        assertEquals("web-01", y.get("hostname").asText());
        assertEquals("web-01.lab", y.get("fqdn").asText());
        assertTrue(y.get("manage_etc_hosts").asBoolean());
        JsonNode user = y.get("users").get(0);
        assertEquals("ops", user.get("name").asText());
        assertEquals("ALL=(ALL) NOPASSWD:ALL", user.get("sudo").asText());
        assertEquals("$6$salt$hash", user.get("hashed_passwd").asText());
        assertFalse(user.get("lock_passwd").asBoolean());
        assertEquals("ssh-ed25519 AAAA me@x", user.get("ssh_authorized_keys").get(0).asText());
        assertTrue(y.get("package_update").asBoolean());
        assertFalse(y.get("package_upgrade").asBoolean());
        assertEquals("deb https://x $RELEASE stable", y.get("apt").get("sources").get("docker.list").get("source").asText());
        assertEquals("ABCD", y.get("apt").get("sources").get("docker.list").get("keyid").asText());
        assertEquals("[\"qemu-guest-agent\",\"nfs-common\"]", y.get("packages").toString());
        assertEquals("hi\n", y.get("write_files").get(0).get("content").asText());
        assertEquals("0644", y.get("write_files").get(0).get("permissions").asText());
        assertEquals("[\"10.0.0.13:/data\",\"/data\",\"nfs\",\"defaults,_netdev\",\"0\",\"0\"]", y.get("mounts").get(0).toString());
        assertEquals("[\"systemctl\",\"enable\",\"--now\",\"qemu-guest-agent\"]", y.get("runcmd").get(0).toString());
    }

    @Test
    void theDefaultUserIsCloudInitsKeyword() throws Exception {
        JsonNode y = parse(CloudConfig.builder().user(CloudConfig.User.defaultUser()).build().render());
        assertEquals("default", y.get("users").get(0).asText());
    }

    @Test
    void mergingUnitesPackagesAndSourcesAndAppendsCommandsOnce() {
        CloudConfig a = CloudConfig.builder().hostname("a").packages("curl").runcmd("true").build();
        CloudConfig b = CloudConfig.builder().packages("curl", "jq").runcmd("true").runcmd("false").build();
        CloudConfig m = a.merge(b);
        assertEquals(List.of("curl", "jq"), List.copyOf(m.packages()));
        assertEquals(List.of(List.of("true"), List.of("false")), m.runcmd());
        assertEquals("a", m.hostname().orElseThrow());
    }

    @Test
    void renderingIsDeterministicAndEqualityFollowsIt() {
        CloudConfig a = CloudConfig.builder().packages("b", "a").runcmd("x").build();
        CloudConfig b = CloudConfig.builder().packages("b", "a").runcmd("x").build();
        assertEquals(a.render(), b.render());
        assertEquals(a, b);
        assertTrue(CloudConfig.empty().isEmpty());
        assertFalse(a.isEmpty());
    }

    @Test
    void toStringNeverShowsThePasswordHash() {
        CloudConfig doc = CloudConfig.builder().user(CloudConfig.User.admin("ops", List.of(), "$6$secret$hash")).build();
        assertFalse(doc.toString().contains("secret"), doc.toString());
        assertFalse(doc.users().get(0).toString().contains("secret"));
    }

    @Test
    void textThatIsNotUnicodeIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CloudConfig.builder().hostname("a\uD800b").build().render());
    }

    @Test
    void lineBreaksYaml11KnowsAreEscaped() {
        String text = CloudConfig.builder().hostname("a\u0085b\u2028c\u007fd").build().render();
        assertTrue(text.contains("\"a\\u0085b\\u2028c\\u007Fd\""), text);
    }

    /** Whatever a value holds, it stays one scalar: no text can add keys or items to the document. */
    @Property(tries = 500)
    void anyTextStaysOneScalar(@ForAll String text) throws Exception {
        net.jqwik.api.Assume.that(text.codePoints().noneMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE));
        CloudConfig doc = CloudConfig.builder().hostname(text).packages(text).runcmd("echo", text)
                .writeFile(new CloudConfig.WriteFile("/tmp/f", text, null, null)).build();
        JsonNode y = parse(doc.render());
        assertEquals(text, y.get("hostname").asText());
        assertEquals(1, y.get("packages").size());
        assertEquals(text, y.get("packages").get(0).asText());
        assertEquals(text, y.get("runcmd").get(0).get(1).asText());
        assertEquals(text, y.get("write_files").get(0).get("content").asText());
        assertEquals(4, y.size());
    }
}
