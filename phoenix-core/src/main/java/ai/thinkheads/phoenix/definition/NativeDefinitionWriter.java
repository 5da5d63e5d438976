package ai.thinkheads.phoenix.definition;

import ai.thinkheads.phoenix.config.HostPciConfig;
import ai.thinkheads.phoenix.definition.VmDefinition.Feature;
import ai.thinkheads.phoenix.definition.VmDefinition.SnapshotPolicy;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.PciPassthrough;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * The writing half of {@link NativeDefinitionFormat}: a {@link VmDefinition} as a JSON object, every
 * value written out (no defaults), so that reading it gives the same definition.
 */
final class NativeDefinitionWriter {

    private NativeDefinitionWriter() {
    }

    static ObjectNode vm(VmDefinition d) {
        VmSpec s = d.spec();
        ObjectNode o = JsonReading.MAPPER.createObjectNode();
        o.put("name", s.name());
        s.vmid().ifPresent(v -> o.put("vmid", v));
        s.node().ifPresent(v -> o.put("node", v));
        if (!(s.source() instanceof Source.EmptyDisks)) {
            o.set("source", source(s.source()));
        }
        o.put("sockets", s.sockets());
        o.put("cores", s.cores());
        s.cpuType().ifPresent(v -> o.put("cpu", v));
        o.put("memory", s.memoryMiB());
        s.balloonMiB().ifPresent(v -> o.put("balloon", v));
        o.put("scsihw", s.scsihw());
        if (!s.disks().isEmpty()) {
            ArrayNode a = o.putArray("disks");
            s.disks().forEach(disk -> a.add(disk(disk)));
        }
        if (!s.nics().isEmpty()) {
            ArrayNode a = o.putArray("nics");
            s.nics().forEach(n -> a.add(nic(n)));
        }
        s.cloudInit().ifPresent(ci -> o.set("cloudInit", cloudInit(ci)));
        s.agent().ifPresent(a -> {
            if (a.fstrimClonedDisks() == null) {
                o.put("agent", a.enabled());
            } else {
                ObjectNode ao = o.putObject("agent");
                ao.put("enabled", a.enabled());
                ao.put("fstrimClonedDisks", a.fstrimClonedDisks());
            }
        });
        if (!s.bootOrder().isEmpty()) {
            ArrayNode a = o.putArray("boot");
            s.bootOrder().forEach(a::add);
        }
        if (s.onboot()) {
            o.put("onboot", true);
        }
        s.startup().ifPresent(st -> {
            ObjectNode so = o.putObject("startup");
            putIf(so, "order", st.order());
            putIf(so, "up", st.up());
            putIf(so, "down", st.down());
        });
        if (!s.tags().isEmpty()) {
            ArrayNode a = o.putArray("tags");
            s.tags().forEach(a::add);
        }
        s.pool().ifPresent(v -> o.put("pool", v));
        s.description().ifPresent(v -> o.put("description", v));
        if (!s.pciDevices().isEmpty()) {
            ArrayNode a = o.putArray("pci");
            s.pciDevices().forEach(p -> a.add(pci(p)));
        }
        if (s.template()) {
            o.put("template", true);
        }
        if (s.start()) {
            o.put("start", true);
        }
        if (!s.options().isEmpty()) {
            ObjectNode opts = o.putObject("options");
            s.options().forEach(opts::put);
        }
        if (!d.dependsOn().isEmpty()) {
            ArrayNode a = o.putArray("dependsOn");
            d.dependsOn().forEach(a::add);
        }
        if (!d.features().isEmpty()) {
            ArrayNode a = o.putArray("features");
            for (Feature f : d.features()) {
                if (f.parameters().isEmpty()) {
                    a.add(f.name());
                } else {
                    ObjectNode fo = a.addObject();
                    fo.put("name", f.name());
                    fo.set("parameters", rawMap(f.parameters()));
                }
            }
        }
        if (!d.snapshots().equals(SnapshotPolicy.none())) {
            ObjectNode so = o.putObject("snapshots");
            d.snapshots().beforeFeaturesIfAny().ifPresent(v -> so.put("beforeFeatures", v));
            d.snapshots().afterFeaturesIfAny().ifPresent(v -> so.put("afterFeatures", v));
            d.snapshots().beforeTemplateIfAny().ifPresent(v -> so.put("beforeTemplate", v));
        }
        if (!d.extras().isEmpty()) {
            o.set("extras", rawMap(d.extras()));
        }
        if (!d.ignored().isEmpty()) {
            o.set("ignored", rawMap(d.ignored()));
        }
        return o;
    }

    static ObjectNode source(Source source) {
        ObjectNode o = JsonReading.MAPPER.createObjectNode();
        if (source instanceof Source.ImportImage) {
            o.put("type", "import");
            o.put("from", ((Source.ImportImage) source).from());
        } else {
            Source.CloneTemplate c = (Source.CloneTemplate) source;
            o.put("type", "clone");
            o.put("template", c.templateVmid());
            o.put("full", c.full());
            c.snapshotIfAny().ifPresent(v -> o.put("snapshot", v));
            if (c.targetStorage() != null) {
                o.put("storage", c.targetStorage());
            }
        }
        return o;
    }

    static ObjectNode disk(Disk d) {
        ObjectNode o = JsonReading.MAPPER.createObjectNode();
        o.put("slot", d.key());
        o.put("storage", d.storage());
        d.sizeIfAny().ifPresent(v -> o.put("size", v.toString()));
        putIf(o, "discard", d.discard());
        putIf(o, "ssd", d.ssd());
        putIf(o, "iothread", d.iothread());
        if (d.cache() != null) {
            o.put("cache", d.cache());
        }
        if (!d.extraOptions().isEmpty()) {
            ObjectNode opts = o.putObject("options");
            d.extraOptions().forEach(opts::put);
        }
        return o;
    }

    static ObjectNode nic(Nic n) {
        ObjectNode o = JsonReading.MAPPER.createObjectNode();
        o.put("slot", n.key());
        o.put("model", n.model());
        o.put("bridge", n.bridge());
        putIf(o, "vlan", n.vlan());
        if (n.mac() != null) {
            o.put("mac", n.mac());
        }
        putIf(o, "firewall", n.firewall());
        putIf(o, "mtu", n.mtu());
        if (n.rate() != null) {
            o.put("rate", n.rate());
        }
        putIf(o, "queues", n.queues());
        return o;
    }

    static ObjectNode cloudInit(CloudInit ci) {
        ObjectNode o = JsonReading.MAPPER.createObjectNode();
        o.put("storage", ci.storage());
        o.put("slot", ci.slot());
        ci.user().ifPresent(v -> o.put("user", v));
        if (!ci.sshKeys().isEmpty()) {
            ArrayNode a = o.putArray("sshKeys");
            ci.sshKeys().forEach(a::add);
        }
        ci.passwordHash().ifPresent(v -> o.put("passwordHash", v));
        if (!ci.ipConfigs().isEmpty()) {
            ArrayNode a = o.putArray("ipconfig");
            ci.ipConfigs().forEach((index, ip) -> {
                ObjectNode io = a.addObject();
                io.put("nic", index);
                putIf(io, "ip", ip.ip());
                putIf(io, "gw", ip.gw());
                putIf(io, "ip6", ip.ip6());
                putIf(io, "gw6", ip.gw6());
            });
        }
        if (!ci.nameservers().isEmpty()) {
            ArrayNode a = o.putArray("nameservers");
            ci.nameservers().forEach(a::add);
        }
        ci.searchDomain().ifPresent(v -> o.put("searchDomain", v));
        ci.userData().ifPresent(v -> o.put("userData", v));
        ci.snippetStorage().ifPresent(v -> o.put("snippetStorage", v));
        return o;
    }

    static ObjectNode pci(PciPassthrough p) {
        ObjectNode o = JsonReading.MAPPER.createObjectNode();
        o.put("slot", p.key());
        HostPciConfig d = p.device();
        putIf(o, "host", d.host());
        putIf(o, "mapping", d.mapping());
        putIf(o, "pcie", d.pcie());
        putIf(o, "xVga", d.xVga());
        putIf(o, "rombar", d.rombar());
        return o;
    }

    static ObjectNode rawMap(Map<String, String> raw) {
        ObjectNode o = JsonReading.MAPPER.createObjectNode();
        new TreeMap<>(raw).forEach((k, v) -> {
            try {
                o.set(k, JsonReading.MAPPER.readTree(v));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(k + ": raw value is not JSON text: " + e.getOriginalMessage(), e);
            }
        });
        return o;
    }

    private static void putIf(ObjectNode o, String key, Object value) {
        if (value instanceof Boolean) {
            o.put(key, (Boolean) value);
        } else if (value instanceof Integer) {
            o.put(key, (Integer) value);
        } else if (value instanceof String) {
            o.put(key, (String) value);
        }
    }
}
