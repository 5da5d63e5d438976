package ai.thinkheads.phoenix.cloudinit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.IpConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NoCloudDataTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static NoCloudData data(String userData, IpConfig ip) {
        TreeMap<Integer, String> nics = new TreeMap<>();
        nics.put(0, "BC:24:11:AA:BB:CC");
        nics.put(1, "BC:24:11:AA:BB:CD");
        TreeMap<Integer, IpConfig> ips = new TreeMap<>();
        ips.put(0, ip);
        ips.put(1, IpConfig.dhcp());
        return NoCloudData.of("web-01", userData, nics, ips, List.of("10.0.0.1", "1.1.1.1"), "lab.example");
    }

    @Test
    void networkConfigIsVersion1MatchedByMacAsQemuServerWritesIt() throws Exception {
        JsonNode n = YAML.readTree(data("#cloud-config\n", IpConfig.staticV4("10.0.0.5/24", "10.0.0.1")).networkConfig());
        assertEquals(1, n.get("version").asInt());
        JsonNode eth0 = n.get("config").get(0);
        assertEquals("physical", eth0.get("type").asText());
        assertEquals("eth0", eth0.get("name").asText());
        assertEquals("bc:24:11:aa:bb:cc", eth0.get("mac_address").asText());
        JsonNode subnet = eth0.get("subnets").get(0);
        assertEquals("static", subnet.get("type").asText());
        assertEquals("10.0.0.5", subnet.get("address").asText());
        assertEquals("255.255.255.0", subnet.get("netmask").asText());
        assertEquals("10.0.0.1", subnet.get("gateway").asText());
        assertEquals("dhcp4", n.get("config").get(1).get("subnets").get(0).get("type").asText());
        JsonNode dns = n.get("config").get(2);
        assertEquals("nameserver", dns.get("type").asText());
        assertEquals("[\"10.0.0.1\",\"1.1.1.1\"]", dns.get("address").toString());
        assertEquals("lab.example", dns.get("search").get(0).asText());
    }

    @Test
    void metaDataCarriesTheInstanceIdAndHostname() throws Exception {
        NoCloudData d = data("#cloud-config\n", IpConfig.dhcp());
        JsonNode m = YAML.readTree(d.metaData());
        assertEquals(d.instanceId(), m.get("instance-id").asText());
        assertEquals("web-01", m.get("local-hostname").asText());
        assertEquals(40, d.instanceId().length());
        assertEquals(java.util.Set.of("user-data", "meta-data", "network-config"), d.files().keySet());
    }

    @Test
    void theInstanceIdChangesWithUserDataOrNetworkAndOnlyThen() {
        String a = data("#cloud-config\npackages: [a]\n", IpConfig.dhcp()).instanceId();
        assertEquals(a, data("#cloud-config\npackages: [a]\n", IpConfig.dhcp()).instanceId());
        assertNotEquals(a, data("#cloud-config\npackages: [b]\n", IpConfig.dhcp()).instanceId());
        assertNotEquals(a, data("#cloud-config\npackages: [a]\n", IpConfig.staticV4("10.0.0.5/24", null)).instanceId());
    }

    @Test
    void netmasksForEveryPrefix() {
        assertEquals("0.0.0.0", NoCloudData.netmask(0));
        assertEquals("255.0.0.0", NoCloudData.netmask(8));
        assertEquals("255.255.240.0", NoCloudData.netmask(20));
        assertEquals("255.255.255.255", NoCloudData.netmask(32));
        assertTrue(NoCloudData.sha1("x").matches("[0-9a-f]{40}"));
    }
}
