package ai.thinkheads.phoenix.testkit.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PveApiSchemaTest {

    private static final String CONFIG = "/nodes/pve1/qemu/100/config";

    private static Map<String, List<String>> params(String... kv) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.computeIfAbsent(kv[i], k -> new java.util.ArrayList<>()).add(kv[i + 1]);
        }
        return out;
    }

    /** Parameter names of the violations; fails when the schema reports nothing at all. */
    private static List<String> violated(String version, String method, String path, Map<String, List<String>> params) {
        List<SchemaViolation> v = PveApiReference.schema(version).validate(method, path, params);
        assertFalse(v.isEmpty(), "expected violations for " + method + " " + path + " " + params);
        return v.stream().map(SchemaViolation::parameter).collect(Collectors.toList());
    }

    private static List<SchemaViolation> violations(String version, String method, String path, Map<String, List<String>> params) {
        return PveApiReference.schema(version).validate(method, path, params);
    }

    /** pve-common check_prop: one error on the parameter, "invalid format - format error" plus a line per sub-key. */
    private static void assertSubKey(String parameter, String subKeyLine, List<SchemaViolation> violations) {
        assertEquals(1, violations.size(), violations.toString());
        assertEquals(parameter, violations.get(0).parameter());
        assertTrue(violations.get(0).message().startsWith("invalid format - format error"), violations.get(0).message());
        assertTrue(violations.get(0).message().contains("\n" + subKeyLine), violations.get(0).message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.4", "9.1"})
    void resolvesConcretePathsToTemplatesPreferringLiterals(String version) {
        PveApiSchema schema = PveApiReference.schema(version);
        var ep = schema.resolve("POST", "/api2/json/nodes/pve1/qemu/100/config").orElseThrow();
        assertEquals("/nodes/{node}/qemu/{vmid}/config", ep.template());
        assertEquals(Map.of("node", "pve1", "vmid", "100"), ep.pathParameters());
        assertEquals("update_vm_async", ep.handlerName());
        assertEquals("/nodes/{node}/qemu/{vmid}/status/current",
                schema.resolve("GET", "/nodes/pve1/qemu/100/status/current").orElseThrow().template());
        var log = schema.resolve("GET", "/nodes/pve1/tasks/UPID:pve1:0000ABCD:00012345:65000000:qmstart:100:root@pam:/log").orElseThrow();
        assertEquals("/nodes/{node}/tasks/{upid}/log", log.template());
        assertEquals("UPID:pve1:0000ABCD:00012345:65000000:qmstart:100:root@pam:", log.pathParameters().get("upid"));
        assertTrue(schema.resolve("PATCH", CONFIG).isEmpty());
        assertTrue(schema.resolve("GET", "/nodes/pve1/qemu/100/no-such-thing").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.4", "9.1"})
    void acceptsWellFormedRequests(String version) {
        PveApiSchema schema = PveApiReference.schema(version);
        assertEquals(List.of(), schema.validate("POST", CONFIG, params(
                "net0", "virtio,bridge=vmbr0,firewall=1",
                "net1", "virtio=BC:24:11:2E:C5:4A,bridge=vmbr1,tag=10",
                "scsi0", "local-lvm:32,discard=on,iothread=1",
                "memory", "2048", "cores", "2", "name", "web-1.example", "agent", "enabled=1",
                "delete", "ide2,unused0", "digest", "0123456789abcdef0123456789abcdef01234567",
                "ipconfig0", "ip=10.0.0.5/24,gw=10.0.0.1", "onboot", "1", "tags", "web;prod")));
        assertEquals(List.of(), schema.validate("POST", "/nodes/pve1/qemu", params(
                "vmid", "100", "memory", "current=1024", "scsihw", "virtio-scsi-single", "start", "0")));
        assertEquals(List.of(), schema.validate("POST", "/nodes/pve1/qemu/100/agent/exec",
                params("command", "/bin/sh", "command", "-c", "command", "echo hi")));
        assertEquals(List.of(), schema.validate("PUT", "/nodes/pve1/qemu/100/resize",
                params("disk", "scsi0", "size", "40G")));
        assertEquals(List.of(), schema.validate("GET", "/cluster/resources", params("type", "vm")));
        assertEquals(List.of(), schema.validate("POST", "/access/ticket",
                params("username", "root@pam", "password", "secret")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.4", "9.1"})
    void namesEachOffendingParameter(String version) {
        assertEquals(List.of("frobnicate"), violated(version, "POST", CONFIG, params("frobnicate", "1")));
        assertEquals(List.of("cores"), violated(version, "POST", CONFIG, params("cores", "two")));
        assertEquals(List.of("cores"), violated(version, "POST", CONFIG, params("cores", "0")));
        assertEquals(List.of("cpulimit"), violated(version, "POST", CONFIG, params("cpulimit", "129")));
        assertEquals(List.of("ostype"), violated(version, "POST", CONFIG, params("ostype", "dos")));
        assertEquals(List.of("onboot"), violated(version, "POST", CONFIG, params("onboot", "maybe")));
        assertEquals(List.of("name"), violated(version, "POST", CONFIG, params("name", "bad_name!")));
        assertEquals(List.of("scsi31"), violated(version, "POST", CONFIG, params("scsi31", "local-lvm:1")));
        assertEquals(List.of("delete"), violated(version, "POST", CONFIG, params("delete", "net0,9bad")));
        assertEquals(List.of("cores"), violated(version, "POST", CONFIG, params("cores", "1", "cores", "2")));
        assertEquals(List.of("vmid"), violated(version, "POST", "/nodes/pve1/qemu/99/config", params()));
        assertEquals(List.of("node"), violated(version, "GET", "/nodes/bad_node/qemu/100/config", params()));
        assertEquals(List.of("vmid"), violated(version, "POST", "/nodes/pve1/qemu", params("cores", "1")));
        assertEquals(List.of("size"), violated(version, "PUT", "/nodes/pve1/qemu/100/resize",
                params("disk", "scsi0", "size", "big")));
        assertEquals(List.of("snapname"), violated(version, "POST", "/nodes/pve1/qemu/100/snapshot",
                params("snapname", "s".repeat(41))));
        assertEquals(List.of(""), violated(version, "GET", "/nodes/pve1/frobnicator", params()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.4", "9.1"})
    void checksPropertyStringSubKeys(String version) {
        assertEquals(List.of("net0"), violated(version, "POST", CONFIG, params("net0", "virtio,brige=vmbr0")));
        assertSubKey("net0", "net0.firewall:", violations(version, "POST", CONFIG, params("net0", "virtio,firewall=maybe")));
        assertSubKey("net0", "net0.model:", violations(version, "POST", CONFIG, params("net0", "bridge=vmbr0")));
        assertSubKey("net0", "net0.model:", violations(version, "POST", CONFIG, params("net0", "rtl9999,bridge=vmbr0")));
        assertSubKey("net0", "net0.tag:", violations(version, "POST", CONFIG, params("net0", "virtio,tag=5000")));
        assertSubKey("net0", "net0.macaddr:", violations(version, "POST", CONFIG, params("net0", "virtio=01:00:00:00:00:01")));
        assertEquals(List.of("net0"), violated(version, "POST", CONFIG, params("net0", "virtio=BC:24:11:2E:C5:4A,model=e1000")));
        assertEquals(List.of("net0"), violated(version, "POST", CONFIG, params("net0", "virtio,bridge=a,bridge=b")));
        assertSubKey("scsi0", "scsi0.discard:", violations(version, "POST", CONFIG, params("scsi0", "local-lvm:8,discard=yes")));
        assertSubKey("memory", "memory.current:", violations(version, "POST", CONFIG, params("memory", "8")));
        assertEquals(List.of("agent"), violated(version, "POST", CONFIG, params("agent", "1,2")));
    }

    @Test
    void additionalPropertiesAreAllowedWhereTheSchemaDoesNotForbidThem() {
        PveApiSchema schema = PveApiReference.schema("9.1");
        // GET /cluster/sdn/fabrics declares no additionalProperties: pve-common's check_object allows extras
        assertEquals(List.of(), schema.validate("GET", "/cluster/sdn/fabrics", params("anything", "1")));
        assertEquals(List.of("anything"), violated("9.1", "GET", "/cluster/nextid", params("anything", "1")));
    }

    @Test
    void decodesFormsLikePveHttpServer() {
        assertEquals(Map.of("command", List.of("/bin/echo", "a b+c"), "x", List.of("")),
                PveApiSchema.decodeForm("command=%2Fbin%2Fecho&command=a+b%2Bc;x"));
        assertTrue(PveApiSchema.decodeForm("").isEmpty());
    }
}
