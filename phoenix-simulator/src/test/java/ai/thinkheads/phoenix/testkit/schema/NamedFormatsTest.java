package ai.thinkheads.phoenix.testkit.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Each named format the parameters Phoenix sends carry, with a value Proxmox accepts and one it
 * refuses, checked through the real 8.4 and 9.1 schemas (so the parameter really has that format).
 */
class NamedFormatsTest {

    private static final String CONFIG = "/nodes/pve1/qemu/100/config";
    private static final String CREATE = "/nodes/pve1/qemu";

    /** format, method, path, parameter, good value, bad value, words of PVE's error for the bad one. */
    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of("pve-qm-ipconfig", "PUT", CONFIG, "ipconfig0", "ip=10.0.0.5/24,gw=10.0.0.1", "ip=10.0.0.5/33", "ipconfig0.ip: invalid format - value does not look like a valid ipv4 network configuration"),
                Arguments.of("pve-qm-ipconfig (requires)", "PUT", CONFIG, "ipconfig0", "ip6=auto", "gw=10.0.0.1", "requires this property"),
                Arguments.of("pve-qm-ipconfig (ipv6)", "PUT", CONFIG, "ipconfig1", "ip6=fd00::5/64,gw6=fd00::1", "ip6=fd00::5/64,gw6=fd00::1::2", "valid IPv6 address"),
                Arguments.of("pve-qm-boot", "PUT", CONFIG, "boot", "order=scsi0;ide2;net0", "order=scsi0;efidisk0", "invalid boot device 'efidisk0'"),
                Arguments.of("pve-qm-boot (legacy)", "PUT", CONFIG, "boot", "cdn", "cdx", "value does not match the regex pattern"),
                Arguments.of("pve-qm-bootdev range", "PUT", CONFIG, "boot", "order=virtio15", "order=virtio16", "invalid boot device 'virtio16'"),
                Arguments.of("pve-startup-order", "PUT", CONFIG, "startup", "order=2,up=30,down=60", "order=2,later=5", "unable to parse startup options"),
                Arguments.of("address-list", "PUT", CONFIG, "nameserver", "1.1.1.1 2606:4700::1111 dns.example.org", "1.1.1.1 bad_name!", "valid address: bad_name!"),
                Arguments.of("pve-volume-id-or-qm-path", "PUT", CONFIG, "scsi0", "local-lvm:vm-100-disk-0,size=32G", "vm-100-disk-0,size=32G", "unable to parse volume ID 'vm-100-disk-0'"),
                Arguments.of("pve-volume-id-or-qm-path (none)", "PUT", CONFIG, "ide2", "none,media=cdrom", "x:", "unable to parse volume ID 'x:'"),
                Arguments.of("pve-volume-id-or-absolute-path", "POST", CREATE, "scsi0", "local-lvm:0,import-from=/var/lib/vz/images/noble.img", "local-lvm:0,import-from=images/noble.img", "unable to parse volume ID 'images/noble.img'"),
                Arguments.of("disk-size", "PUT", CONFIG, "scsi0", "local-lvm:vm-100-disk-0,size=32G", "local-lvm:vm-100-disk-0,size=32GB", "valid disk size"),
                Arguments.of("disk-size (KiB)", "PUT", CONFIG, "scsi0", "local-lvm:vm-100-disk-0,size=1.5TiB", "local-lvm:vm-100-disk-0,size=-1G", "valid disk size"),
                Arguments.of("pve-bridge-id", "PUT", CONFIG, "net0", "virtio,bridge=vmbr0.20", "virtio,bridge=vmbr 0", "invalid bridge ID"),
                Arguments.of("mac-addr", "PUT", CONFIG, "net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0", "virtio=BD:24:11:00:00:01,bridge=vmbr0", "unicast MAC address"),
                Arguments.of("pve-vm-cpu-conf", "PUT", CONFIG, "cpu", "x86-64-v2-AES,flags=+aes;-pcid", "host,flags=aes", "cpu.flags: value does not match the regex pattern"),
                Arguments.of("pve-vm-cpu-conf (reported-model)", "PUT", CONFIG, "cpu", "host,hidden=1", "custom-x,reported-model=kvm64", "'reported-model' not allowed"),
                Arguments.of("pve-vm-cpu-conf (cputype)", "PUT", CONFIG, "cpu", "cputype=host", "flags=+aes", "CPU is missing cputype"),
                Arguments.of("pve-phys-bits", "PUT", CONFIG, "cpu", "host,phys-bits=host", "host,phys-bits=65", "between 8 and 64"),
                Arguments.of("pve-qm-cicustom", "PUT", CONFIG, "cicustom", "user=local:snippets/user.yaml", "user=snippets/user.yaml", "unable to parse volume ID"),
                Arguments.of("pve-tag-list", "PUT", CONFIG, "tags", "phoenix-managed;web", "phoenix-managed;we b!", "invalid characters in tag"),
                Arguments.of("pve-configid-list", "PUT", CONFIG, "delete", "ipconfig0,net1", "ipconfig0,1net", "invalid configuration ID"),
                Arguments.of("dns-name", "PUT", CONFIG, "name", "web-1.example", "web_1", "valid DNS name"),
                Arguments.of("pve-vmid", "POST", "/nodes/pve1/qemu/100/clone", "newid", "101", "99", "valid VM ID"),
                Arguments.of("pve-storage-id", "POST", "/nodes/pve1/qemu/100/clone", "storage", "local-lvm", "l", "cannot be shorter than 2 characters"),
                Arguments.of("pve-node", "POST", "/nodes/pve1/qemu/100/clone", "target", "pve2", "pve_2", "valid node name"),
                Arguments.of("pve-configid", "POST", "/nodes/pve1/qemu/100/snapshot", "snapname", "before-upgrade", "1st", "invalid configuration ID"),
                Arguments.of("pve-poolid", "POST", "/nodes/pve1/qemu/100/clone", "pool", "prod/web.v2", "prod pool", "pool name 'prod pool' contains invalid characters"),
                Arguments.of("urlencoded", "PUT", CONFIG, "sshkeys", "ssh-ed25519%20AAAAC3Nza", "ssh-ed25519 AAAAC3Nza", "invalid urlencoded string"),
                Arguments.of("pve-qm-hostpci", "PUT", CONFIG, "hostpci0", "0000:01:00,pcie=1", "01:00.0;bus1,pcie=1", "hostpci0.host: value does not match the regex pattern"),
                Arguments.of("pve-qm-hostpci (host or mapping)", "PUT", CONFIG, "hostpci0", "mapping=gpu", "pcie=1", "either 'host' or 'mapping' must be set"),
                Arguments.of("pve-storage-content", "GET", "/nodes/pve1/storage/local/content", "content", "iso", "isos", "invalid content type 'isos'"));
    }

    /** {@code parameter=value} plus what the endpoint requires besides (create's vmid, clone's newid). */
    private static Map<String, List<String>> with(String path, String parameter, String value) {
        Map<String, List<String>> p = new java.util.HashMap<>();
        if (path.equals(CREATE)) {
            p.put("vmid", List.of("100"));
        }
        if (path.endsWith("/clone")) {
            p.put("newid", List.of("101"));
        }
        p.put(parameter, List.of(value));
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void aGoodValuePassesAndABadOneIsRefusedWithPvesWords(String format, String method, String path, String parameter,
            String good, String bad, String words) {
        for (String version : PveApiReference.VERSIONS) {
            PveApiSchema schema = PveApiReference.schema(version);
            PveApiSchema.Check ok = schema.check(method, path, with(path, parameter, good));
            assertEquals(List.of(), ok.violations(), version + " " + format + " " + good);
            assertEquals(java.util.Set.of(), ok.uncheckedFormats(), version + " " + format + ": every format of " + good + " checked");
            List<SchemaViolation> refused = schema.validate(method, path, with(path, parameter, bad));
            assertEquals(1, refused.size(), version + " " + format + " " + bad + ": " + refused);
            assertEquals(parameter, refused.get(0).parameter());
            assertTrue(refused.get(0).message().startsWith("invalid format - ") || refused.get(0).message().contains("regex"),
                    refused.get(0).message());
            assertTrue(refused.get(0).message().contains(words), version + " " + format + ": " + refused.get(0).message());
        }
    }

    @Test
    void aFormatWithoutAVerifierIsNamedNotSilentlyPassed() {
        PveApiSchema.Check c = PveApiReference.schema("9.1").check("PUT", CONFIG, Map.of("watchdog", List.of("model=i6300esb")));
        assertEquals(java.util.Set.of("pve-qm-watchdog"), c.uncheckedFormats());
    }

    @Test
    void splitListFollowsParseUtils() {
        assertEquals(List.of("a", "b", "c"), ai.thinkheads.phoenix.config.TagList.splitList(" a,b;c"));
        assertEquals(List.of("a b", "c"), ai.thinkheads.phoenix.config.TagList.splitList("a b\0c"));
        assertEquals(List.of(), ai.thinkheads.phoenix.config.TagList.splitList(""));
    }

    /** Endpoints the backends send (the audits' distinct requests), by method and template. */
    private static final List<String> ENDPOINTS = List.of(
            "POST /access/ticket", "GET /cluster/resources", "GET /cluster/nextid", "GET /nodes", "GET /nodes/{node}/status",
            "GET /nodes/{node}/storage", "POST /nodes/{node}/qemu", "DELETE /nodes/{node}/qemu/{vmid}",
            "GET /nodes/{node}/qemu/{vmid}/config", "POST /nodes/{node}/qemu/{vmid}/config", "PUT /nodes/{node}/qemu/{vmid}/config",
            "GET /nodes/{node}/qemu/{vmid}/status/current", "POST /nodes/{node}/qemu/{vmid}/status/start",
            "POST /nodes/{node}/qemu/{vmid}/status/stop", "POST /nodes/{node}/qemu/{vmid}/status/shutdown",
            "POST /nodes/{node}/qemu/{vmid}/status/reboot", "POST /nodes/{node}/qemu/{vmid}/clone",
            "POST /nodes/{node}/qemu/{vmid}/template", "PUT /nodes/{node}/qemu/{vmid}/resize",
            "GET /nodes/{node}/qemu/{vmid}/snapshot", "POST /nodes/{node}/qemu/{vmid}/snapshot",
            "DELETE /nodes/{node}/qemu/{vmid}/snapshot/{snapname}", "POST /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback",
            "POST /nodes/{node}/qemu/{vmid}/agent/ping", "GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces",
            "POST /nodes/{node}/qemu/{vmid}/agent/exec", "GET /nodes/{node}/qemu/{vmid}/agent/exec-status",
            "GET /nodes/{node}/tasks/{upid}/status", "GET /nodes/{node}/tasks/{upid}/log",
            "GET /nodes/{node}/storage/{storage}/content", "POST /nodes/{node}/storage/{storage}/upload",
            "DELETE /nodes/{node}/storage/{storage}/content/{volume}", "GET /storage/{storage}");

    /**
     * Named formats of parameters those endpoints accept that Phoenix never sends (no VmSpec field,
     * no backend call sets them), so no verifier is written for them. If one is sent after all,
     * the audit names it and the run fails.
     */
    private static final java.util.Set<String> NOT_SENT = java.util.Set.of("pve-cpuset", "pve-hotplug-features",
            "pve-priv", "pve-qemu-sev-fmt", "pve-qemu-tdx-fmt", "pve-qm-bootdisk", "pve-qm-ide",
            "pve-qm-rng", "pve-qm-smbios1", "pve-qm-watchdog", "pve-realm", "storage-pair");

    @Test
    void everyNamedFormatOfTheEndpointsPhoenixUsesIsCheckedOrNeverSent() {
        java.util.Set<String> missing = new java.util.TreeSet<>();
        for (String version : PveApiReference.VERSIONS) {
            for (String endpoint : ENDPOINTS) {
                String[] mp = endpoint.split(" ");
                String concrete = mp[1].replace("{node}", "pve1").replace("{vmid}", "100").replace("{snapname}", "s1")
                        .replace("{upid}", "UPID:pve1:0000ABCD:00012345:65000000:qmstart:100:root@pam:")
                        .replace("{storage}", "local").replace("{volume}", "local:iso/seed.iso");
                var ep = PveApiReference.schema(version).resolve(mp[0], concrete).orElseThrow(() -> new AssertionError(endpoint));
                collectFormats(ep.definition().path("parameters").path("properties"), missing);
            }
        }
        missing.removeIf(f -> NamedFormats.names().contains(f) || NOT_SENT.contains(f));
        assertEquals(java.util.Set.of(), missing, "named formats with neither a verifier nor a reason");
    }

    private static void collectFormats(com.fasterxml.jackson.databind.JsonNode properties, java.util.Set<String> out) {
        properties.forEach(p -> {
            com.fasterxml.jackson.databind.JsonNode f = p.has("items") ? p.path("items").path("format") : p.path("format");
            if (f.isTextual()) {
                out.add(f.asText().replaceAll("-(list|opt)$", ""));
            } else if (f.isObject()) {
                f.forEach(sub -> {
                    if (sub.path("format").isTextual()) {
                        out.add(sub.path("format").asText().replaceAll("-(list|opt)$", ""));
                    }
                });
            }
        });
    }
}
