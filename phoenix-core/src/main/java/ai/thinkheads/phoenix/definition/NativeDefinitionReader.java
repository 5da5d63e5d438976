package ai.thinkheads.phoenix.definition;

import static ai.thinkheads.phoenix.definition.NativeDefinitionFormat.VERSION;
import static ai.thinkheads.phoenix.definition.NativeDefinitionFormat.VM_KEYS;

import ai.thinkheads.phoenix.config.AgentConfig;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.DriveBus;
import ai.thinkheads.phoenix.config.HostPciConfig;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.config.PropertyStringException;
import ai.thinkheads.phoenix.definition.JsonReading.Field;
import ai.thinkheads.phoenix.definition.VmDefinition.Feature;
import ai.thinkheads.phoenix.definition.VmDefinition.SnapshotPolicy;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.InvalidSpecException;
import ai.thinkheads.phoenix.spec.InvalidValueException;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.PciPassthrough;
import ai.thinkheads.phoenix.spec.Problem;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The reading half of {@link NativeDefinitionFormat}: one file's JSON, its defaults merged into each
 * VM, every problem collected with its JSON path, line and column, and thrown at once as a
 * {@link DefinitionException}.
 */
final class NativeDefinitionReader {
    /** Objects that are alternatives or carried as a whole: a VM's value replaces the default's. */
    private static final Set<String> NOT_MERGED = Set.of("source", "extras", "ignored");
    private final JsonReading r;
    /** Where a VM's merged member came from when the defaults section supplied it: VM path → defaults path. */
    private final Map<String, String> origins = new HashMap<>();
    /** Every VM's dependsOn by its JSON path, checked once all names are known (also for VMs with problems). */
    private final Map<String, List<String>> dependencies = new LinkedHashMap<>();
    private final Set<String> declaredNames = new HashSet<>();

    NativeDefinitionReader(JsonReading r) {
        this.r = r;
    }

    DefinitionSet read() {
        JsonNode root = r.json().root();
        if (!root.isObject()) {
            r.problem("$", "expected an object with \"phoenix\": " + VERSION + " and \"vms\", got " + JsonReading.describe(root));
            r.throwIfAny();
        }
        Field doc = new Field(root, "$");
        Field version = member(doc, "phoenix");
        if (!version.present()) {
            r.missing("$", "phoenix", "the format version, " + VERSION);
            r.throwIfAny();
        }
        if (!version.node().isIntegralNumber()) {
            r.problem(version.path(), "expected the format version as an integer (" + VERSION + "), got "
                    + JsonReading.describe(version.node()));
            r.throwIfAny();
        }
        if (version.node().asLong() != VERSION) {
            r.problem(version.path(), "format version " + version.node().asText() + " is not supported: this Phoenix reads"
                    + " version " + VERSION + (version.node().asLong() > VERSION ? "; use a newer Phoenix" : ""));
            r.throwIfAny();
        }
        Map<String, String> fileIgnored = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String k = e.getKey();
            if (k.startsWith("x-")) {
                fileIgnored.put(LocatedJson.child("$", k), JsonReading.raw(k, e.getValue()));
            } else if (!Set.of("phoenix", "$schema", "defaults", "vms", "ignored").contains(k)) {
                r.problem(LocatedJson.child("$", k), "unknown member '" + k + "' (allowed: phoenix, $schema, defaults, vms, ignored, x-...)");
            }
        }
        Map<String, String> declaredIgnored = rawMap(member(doc, "ignored"), false);
        if (declaredIgnored != null) {
            fileIgnored.putAll(declaredIgnored);
        }
        Field defaults = member(doc, "defaults");
        ObjectNode defaultsNode = r.object(defaults);
        if (defaultsNode != null) {
            for (String k : List.of("name", "vmid")) {
                if (defaultsNode.has(k)) {
                    r.problem(LocatedJson.child(defaults.path(), k), "'" + k + "' identifies one VM and cannot be a default");
                }
            }
        }
        List<Field> entries = r.array(member(doc, "vms"));
        if (entries == null) {
            if (!member(doc, "vms").present()) {
                r.missing("$", "vms", "the list of VMs");
            }
            r.throwIfAny();
        }
        List<VmDefinition> vms = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<Integer, String> vmids = new HashMap<>();
        for (Field entry : entries) {
            if (r.object(entry) == null) {
                if (!entry.present()) {
                    r.problem(entry.path(), "expected an object, got null");
                }
                continue;
            }
            JsonNode merged = defaultsNode == null ? entry.node() : merge(entry.node(), entry.path(), defaultsNode, defaults.path());
            if (merged.path("name").isTextual()) {
                declaredNames.add(merged.get("name").textValue());
            }
            VmDefinition d = vm(new Field(merged, entry.path()));
            if (d != null) {
                String other = names.putIfAbsent(d.name(), entry.path());
                if (other != null) {
                    r.problem(entry.path() + ".name", "name '" + d.name() + "' is already used by " + other);
                }
                d.spec().vmid().ifPresent(id -> {
                    String o = vmids.putIfAbsent(id, entry.path());
                    if (o != null) {
                        r.problem(entry.path() + ".vmid", "vmid " + id + " is already used by " + o);
                    }
                });
                vms.add(d);
            }
        }
        for (Map.Entry<String, List<String>> e : dependencies.entrySet()) {
            for (int j = 0; j < e.getValue().size(); j++) {
                if (!declaredNames.contains(e.getValue().get(j))) {
                    r.problem(e.getKey() + "[" + j + "]", "no VM named '" + e.getValue().get(j) + "' in this file");
                }
            }
        }
        r.throwIfAny();
        return new DefinitionSet(vms, fileIgnored);
    }

    /**
     * Objects merge member by member (the VM wins, null counts as absent); anything else the VM
     * has replaces the default, and so do the members in {@link #NOT_MERGED}.
     */
    private JsonNode merge(JsonNode vm, String vmPath, JsonNode def, String defPath) {
        ObjectNode out = JsonReading.MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> e : def.properties()) {
            String key = e.getKey();
            String vmChild = LocatedJson.child(vmPath, key);
            JsonNode mine = vm.get(key);
            if (mine == null || mine.isNull()) {
                out.set(key, e.getValue());
                origins.put(vmChild, LocatedJson.child(defPath, key));
            } else if (mine.isObject() && e.getValue().isObject() && !NOT_MERGED.contains(key)) {
                out.set(key, merge(mine, vmChild, e.getValue(), LocatedJson.child(defPath, key)));
            } else {
                out.set(key, mine);
            }
        }
        for (Map.Entry<String, JsonNode> e : vm.properties()) {
            if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private Field member(Field parent, String key) {
        JsonNode n = parent.node() == null ? null : parent.node().get(key);
        String p = LocatedJson.child(parent.path(), key);
        return new Field(n, origins.getOrDefault(p, p));
    }

    private List<Field> elements(Field f) {
        return r.array(f);
    }

    /** Members of {@code f} not in {@code allowed} are problems; {@code x-} members go to {@code ignored} if given. */
    private void onlyKnown(Field f, Set<String> allowed, Map<String, String> ignored) {
        for (Map.Entry<String, JsonNode> e : f.node().properties()) {
            String k = e.getKey();
            if (allowed.contains(k)) {
                continue;
            }
            Field m = member(f, k);
            if (k.startsWith("x-") && ignored != null) {
                ignored.put(m.path(), JsonReading.raw(k, e.getValue()));
            } else {
                r.problem(m.path(), "unknown member '" + k + "'");
            }
        }
    }

    private VmDefinition vm(Field vm) {
        String vmPath = vm.path();
        Map<String, String> ignored = new TreeMap<>();
        onlyKnown(vm, VM_KEYS, ignored);
        Field nameF = member(vm, "name");
        String name = r.text(nameF);
        if (!nameF.present()) {
            r.missing(vmPath, "name", "");
        }
        VmSpec.Builder b = VmSpec.builder(name == null ? "unnamed" : name);
        Map<String, String> specPaths = new LinkedHashMap<>();
        specPaths.put("name", nameF.path());
        setInt(vm, "vmid", b::vmid, specPaths);
        Field nodeF = member(vm, "node");
        String node = r.text(nodeF);
        if (node != null) {
            b.node(node);
        }
        specPaths.put("node", nodeF.path());
        source(member(vm, "source"), b, specPaths);
        setInt(vm, "sockets", b::sockets, specPaths);
        setInt(vm, "cores", b::cores, specPaths);
        setText(vm, "cpu", b::cpu, specPaths);
        setInt(vm, "memory", b::memory, specPaths);
        setInt(vm, "balloon", b::balloon, specPaths);
        setText(vm, "scsihw", b::scsihw, specPaths);
        disks(member(vm, "disks"), b, specPaths);
        nics(member(vm, "nics"), b, specPaths);
        cloudInit(member(vm, "cloudInit"), b, specPaths);
        agent(member(vm, "agent"), b);
        Field bootF = member(vm, "boot");
        List<String> boot = r.strings(bootF);
        if (boot != null) {
            b.bootOrder(boot.toArray(String[]::new));
        }
        specPaths.put("boot", bootF.path());
        setBool(vm, "onboot", b::onboot, specPaths);
        startup(member(vm, "startup"), b, specPaths);
        Field tagsF = member(vm, "tags");
        List<String> tags = r.strings(tagsF);
        if (tags != null) {
            b.tags(tags.toArray(String[]::new));
        }
        specPaths.put("tags", tagsF.path());
        setText(vm, "pool", b::pool, specPaths);
        setText(vm, "description", b::description, specPaths);
        pci(member(vm, "pci"), b, specPaths);
        setBool(vm, "template", b::template, specPaths);
        setBool(vm, "start", b::start, specPaths);
        Field optionsF = member(vm, "options");
        ObjectNode options = r.object(optionsF);
        if (options != null) {
            for (Map.Entry<String, JsonNode> e : options.properties()) {
                Field o = member(optionsF, e.getKey());
                String v = scalarText(o);
                if (v != null) {
                    b.option(e.getKey(), v);
                }
                specPaths.put("options." + e.getKey(), o.path());
            }
        }

        Field dependsOnF = member(vm, "dependsOn");
        List<String> dependsOn = r.strings(dependsOnF);
        if (dependsOn != null) {
            dependencies.put(dependsOnF.path(), dependsOn);
        }
        List<Feature> features = features(member(vm, "features"));
        SnapshotPolicy snapshots = snapshots(member(vm, "snapshots"));
        Map<String, String> extras = rawMap(member(vm, "extras"), false);
        Map<String, String> declaredIgnored = rawMap(member(vm, "ignored"), true);
        if (declaredIgnored != null) {
            ignored.putAll(declaredIgnored);
        }

        VmSpec spec = null;
        try {
            spec = b.build();
        } catch (InvalidSpecException e) {
            for (Problem p : e.problems()) {
                attribute(p, specPaths, vmPath);
            }
        }
        if (spec == null || name == null) {
            return null;
        }
        if (dependsOn != null && new HashSet<>(dependsOn).size() != dependsOn.size()) {
            r.problem(member(vm, "dependsOn").path(), "a VM is listed twice");
            return null;
        }
        return new VmDefinition(spec, dependsOn == null ? List.of() : dependsOn, features, snapshots, ignored,
                extras == null ? Map.of() : extras);
    }

    /**
     * A VmSpec problem at the JSON member its path names. Spec paths and member names agree by
     * design ({@code disks[scsi0].cache} is the {@code cache} member of the disk in slot scsi0),
     * except the source's.
     */
    private void attribute(Problem p, Map<String, String> specPaths, String vmPath) {
        String best = JsonReading.longestPathPrefix(p.path(), specPaths.keySet());
        if (best == null) {
            r.problem(vmPath, p.toString());
            return;
        }
        String rest = p.path().substring(best.length())
                .replace(".importFrom", ".from").replace(".templateVmid", ".template").replace(".targetStorage", ".storage");
        String path = specPaths.get(best);
        if (best.equals("boot") || best.equals("tags") || rest.startsWith(".index") || best.equals("cloudInit.ipconfig")) {
            r.problem(path, p.toString());
        } else {
            r.problem(path + rest, p.message());
        }
    }

    private void setInt(Field vm, String key, Consumer<Integer> setter, Map<String, String> specPaths) {
        Field f = member(vm, key);
        Integer v = r.integer(f);
        if (v != null) {
            setter.accept(v);
        }
        specPaths.put(key, f.path());
    }

    private void setText(Field vm, String key, Consumer<String> setter, Map<String, String> specPaths) {
        Field f = member(vm, key);
        String v = r.text(f);
        if (v != null) {
            setter.accept(v);
        }
        specPaths.put(key, f.path());
    }

    private void setBool(Field vm, String key, Consumer<Boolean> setter, Map<String, String> specPaths) {
        Field f = member(vm, key);
        Boolean v = r.bool(f);
        if (v != null) {
            setter.accept(v);
        }
        specPaths.put(key, f.path());
    }

    /** A raw option value: a string, or a number/boolean written as JSON (booleans as 1/0). */
    private String scalarText(Field f) {
        if (!f.present()) {
            return null;
        }
        JsonNode n = f.node();
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue() ? "1" : "0";
        }
        if (n.isNumber()) {
            return n.asText();
        }
        r.problem(f.path(), "expected a string, number or boolean, got " + JsonReading.describe(n));
        return null;
    }

    private void source(Field f, VmSpec.Builder b, Map<String, String> specPaths) {
        specPaths.put("source", f.path());
        if (r.object(f) == null) {
            return;
        }
        Field typeF = member(f, "type");
        String type = r.text(typeF);
        if (!typeF.present()) {
            r.missing(f.path(), "type", "empty, import or clone");
            return;
        }
        if (type == null) {
            return;
        }
        try {
            switch (type) {
                case "empty":
                    onlyKnown(f, Set.of("type"), null);
                    b.source(Source.emptyDisks());
                    break;
                case "import": {
                    onlyKnown(f, Set.of("type", "from"), null);
                    Field from = member(f, "from");
                    String v = r.text(from);
                    if (!from.present()) {
                        r.missing(f.path(), "from", "an absolute path on the node or a storage:volume id");
                    } else if (v != null) {
                        b.source(Source.importImage(v));
                    }
                    break;
                }
                case "clone": {
                    onlyKnown(f, Set.of("type", "template", "full", "snapshot", "storage"), null);
                    Field templateF = member(f, "template");
                    Integer template = r.integer(templateF);
                    Boolean full = r.bool(member(f, "full"));
                    String snapshot = r.text(member(f, "snapshot"));
                    String storage = r.text(member(f, "storage"));
                    if (!templateF.present()) {
                        r.missing(f.path(), "template", "the template's vmid");
                    } else if (template != null) {
                        b.source(new Source.CloneTemplate(template, Boolean.TRUE.equals(full), snapshot, storage));
                    }
                    break;
                }
                default:
                    r.problem(typeF.path(), "'" + type + "' is not one of [empty, import, clone]");
            }
        } catch (InvalidValueException e) {
            r.problem(LocatedJson.child(f.path(), sourceMember(e.problem().path())), e.problem().message());
        }
    }

    private String sourceMember(String specPath) {
        switch (specPath) {
            case "source.importFrom": return "from";
            case "source.templateVmid": return "template";
            case "source.targetStorage": return "storage";
            default: return specPath.substring(specPath.indexOf('.') + 1);
        }
    }

    private void disks(Field f, VmSpec.Builder b, Map<String, String> specPaths) {
        List<Field> items = elements(f);
        if (items == null) {
            return;
        }
        specPaths.put("disks", f.path());
        for (Field item : items) {
            if (r.object(item) == null) {
                continue;
            }
            onlyKnown(item, Set.of("slot", "storage", "size", "discard", "ssd", "iothread", "cache", "options"), null);
            Field slotF = member(item, "slot");
            String slot = r.text(slotF);
            Field storageF = member(item, "storage");
            String storage = r.text(storageF);
            Field sizeF = member(item, "size");
            String sizeText = r.text(sizeF);
            if (!slotF.present()) {
                r.missing(item.path(), "slot", "e.g. scsi0");
            }
            if (!storageF.present()) {
                r.missing(item.path(), "storage", "");
            }
            DriveBus bus = slot == null ? null : DriveBus.ofKey(slot).orElse(null);
            if (slot != null && bus == null) {
                r.problem(slotF.path(), "'" + slot + "' is not a disk slot (scsi0..30, virtio0..15, sata0..5, ide0..3)");
            }
            DiskSize size = null;
            boolean sizeOk = true;
            if (sizeText != null) {
                try {
                    size = DiskSize.parse(sizeText);
                } catch (IllegalArgumentException e) {
                    r.problem(sizeF.path(), e.getMessage());
                    sizeOk = false;
                }
            }
            if (bus == null || storage == null || !sizeOk) {
                continue;
            }
            int index = Integer.parseInt(slot.substring(bus.prefix().length()));
            specPaths.put("disks[" + slot + "]", item.path());
            try {
                Disk d = Disk.on(bus, index, storage, size);
                Boolean discard = r.bool(member(item, "discard"));
                Boolean ssd = r.bool(member(item, "ssd"));
                Boolean iothread = r.bool(member(item, "iothread"));
                String cache = r.text(member(item, "cache"));
                Map<String, String> options = new TreeMap<>();
                Field optionsF = member(item, "options");
                ObjectNode o = r.object(optionsF);
                if (o != null) {
                    for (Map.Entry<String, JsonNode> e : o.properties()) {
                        String v = scalarText(member(optionsF, e.getKey()));
                        if (v != null) {
                            options.put(e.getKey(), v);
                        }
                    }
                }
                b.disk(new Disk(bus, index, storage, size, discard, ssd, iothread, cache, options));
            } catch (InvalidValueException e) {
                attribute(e.problem(), specPaths, item.path());
            }
        }
    }

    private void nics(Field f, VmSpec.Builder b, Map<String, String> specPaths) {
        List<Field> items = elements(f);
        if (items == null) {
            return;
        }
        specPaths.put("nics", f.path());
        for (Field item : items) {
            if (r.object(item) == null) {
                continue;
            }
            onlyKnown(item, Set.of("slot", "model", "bridge", "vlan", "mac", "firewall", "mtu", "rate", "queues"), null);
            Field slotF = member(item, "slot");
            String slot = r.text(slotF);
            Integer index = slotIndex(slotF, slot, "net", 31);
            Field bridgeF = member(item, "bridge");
            String bridge = r.text(bridgeF);
            if (!bridgeF.present()) {
                r.missing(item.path(), "bridge", "e.g. vmbr0");
            }
            String model = r.text(member(item, "model"));
            Integer vlan = r.integer(member(item, "vlan"));
            String mac = r.text(member(item, "mac"));
            Boolean firewall = r.bool(member(item, "firewall"));
            Integer mtu = r.integer(member(item, "mtu"));
            Double rate = r.number(member(item, "rate"));
            Integer queues = r.integer(member(item, "queues"));
            if (index == null || bridge == null) {
                continue;
            }
            specPaths.put("nics[" + index + "]", item.path());
            try {
                b.nic(new Nic(index, model == null ? "virtio" : model, bridge, vlan, mac, firewall, mtu, rate, queues));
            } catch (InvalidValueException e) {
                attribute(e.problem(), specPaths, item.path());
            }
        }
    }

    private Integer slotIndex(Field slotF, String slot, String prefix, int max) {
        if (!slotF.present()) {
            r.missing(slotF.path().substring(0, slotF.path().lastIndexOf('.')), "slot", "e.g. " + prefix + "0");
            return null;
        }
        if (slot == null) {
            return null;
        }
        if (!slot.matches(prefix + "(0|[1-9][0-9]?)") || Integer.parseInt(slot.substring(prefix.length())) > max) {
            r.problem(slotF.path(), "'" + slot + "' is not a slot " + prefix + "0.." + prefix + max);
            return null;
        }
        return Integer.parseInt(slot.substring(prefix.length()));
    }

    private void cloudInit(Field f, VmSpec.Builder b, Map<String, String> specPaths) {
        specPaths.put("cloudInit", f.path());
        if (r.object(f) == null) {
            return;
        }
        onlyKnown(f, Set.of("storage", "slot", "user", "sshKeys", "passwordHash", "ipconfig", "nameservers",
                "searchDomain", "userData", "snippetStorage"), null);
        Field storageF = member(f, "storage");
        String storage = r.text(storageF);
        if (!storageF.present()) {
            r.missing(f.path(), "storage", "where the cloud-init drive goes");
            return;
        }
        if (storage == null) {
            return;
        }
        CloudInit.Builder cb;
        try {
            cb = CloudInit.builder(storage);
        } catch (InvalidValueException e) {
            r.problem(storageF.path(), e.problem().message());
            return;
        }
        Field slotF = member(f, "slot");
        String slot = r.text(slotF);
        if (slot != null) {
            DriveBus bus = DriveBus.ofKey(slot).orElse(null);
            if (bus == null) {
                r.problem(slotF.path(), "'" + slot + "' is not a drive slot (e.g. ide2)");
            } else {
                apply(slotF, () -> cb.slot(bus, Integer.parseInt(slot.substring(bus.prefix().length()))));
            }
        }
        textInto(member(f, "user"), cb::user);
        List<Field> keys = r.array(member(f, "sshKeys"));
        if (keys != null) {
            for (Field k : keys) {
                textInto(k, cb::sshKey);
            }
        }
        textInto(member(f, "passwordHash"), cb::passwordHash);
        Field ipF = member(f, "ipconfig");
        List<Field> ips = r.array(ipF);
        if (ips != null) {
            Set<Integer> seen = new HashSet<>();
            for (Field ip : ips) {
                if (r.object(ip) == null) {
                    continue;
                }
                onlyKnown(ip, Set.of("nic", "ip", "gw", "ip6", "gw6"), null);
                Field nicF = member(ip, "nic");
                Integer nic = r.integer(nicF);
                if (!nicF.present()) {
                    r.missing(ip.path(), "nic", "the index of the NIC it configures");
                }
                String a = r.text(member(ip, "ip"));
                String g = r.text(member(ip, "gw"));
                String a6 = r.text(member(ip, "ip6"));
                String g6 = r.text(member(ip, "gw6"));
                if (nic == null) {
                    continue;
                }
                if (!seen.add(nic)) {
                    r.problem(nicF.path(), "NIC " + nic + " is configured twice");
                    continue;
                }
                try {
                    IpConfig config = new IpConfig(a, g, a6, g6);
                    apply(nicF, () -> cb.ipconfig(nic, config));
                } catch (PropertyStringException e) {
                    String m = e.getMessage();
                    int colon = m.indexOf(": ");
                    String key = colon > 0 ? m.substring(0, colon) : "";
                    boolean isMember = Set.of("ip", "gw", "ip6", "gw6").contains(key);
                    r.problem(isMember ? LocatedJson.child(ip.path(), key) : ip.path(), isMember ? m.substring(colon + 2) : m);
                }
                specPaths.put("cloudInit.ipconfig[" + nic + "]", ip.path());
            }
        }
        Field nsF = member(f, "nameservers");
        List<String> ns = r.strings(nsF);
        if (ns != null) {
            apply(nsF, () -> cb.nameservers(ns.toArray(String[]::new)));
        }
        textInto(member(f, "searchDomain"), cb::searchDomain);
        textInto(member(f, "userData"), cb::userData);
        textInto(member(f, "snippetStorage"), cb::snippetStorage);
        b.cloudInit(cb.build());
    }

    private void textInto(Field f, Consumer<String> setter) {
        String v = r.text(f);
        if (v != null) {
            apply(f, () -> setter.accept(v));
        }
    }

    private void apply(Field at, Runnable action) {
        try {
            action.run();
        } catch (InvalidValueException e) {
            r.problem(at.path(), e.problem().message());
        }
    }

    private void agent(Field f, VmSpec.Builder b) {
        if (!f.present()) {
            return;
        }
        if (f.node().isBoolean()) {
            b.agent(f.node().booleanValue());
            return;
        }
        if (!f.node().isObject()) {
            r.problem(f.path(), "expected true, false or {\"enabled\": ..., \"fstrimClonedDisks\": ...}, got "
                    + JsonReading.describe(f.node()));
            return;
        }
        onlyKnown(f, Set.of("enabled", "fstrimClonedDisks"), null);
        Field enabledF = member(f, "enabled");
        Boolean enabled = r.bool(enabledF);
        Boolean fstrim = r.bool(member(f, "fstrimClonedDisks"));
        if (!enabledF.present()) {
            r.missing(f.path(), "enabled", "");
        } else if (enabled != null) {
            b.agent(new AgentConfig(enabled, fstrim));
        }
    }

    private void startup(Field f, VmSpec.Builder b, Map<String, String> specPaths) {
        specPaths.put("startup", f.path());
        if (r.object(f) == null) {
            return;
        }
        onlyKnown(f, Set.of("order", "up", "down"), null);
        Integer order = r.integer(member(f, "order"));
        Integer up = r.integer(member(f, "up"));
        Integer down = r.integer(member(f, "down"));
        if (order != null || up != null || down != null) {
            b.startup(order, up, down);
        } else if (f.node().isEmpty()) {
            r.problem(f.path(), "give at least one of order, up, down");
        }
    }

    private void pci(Field f, VmSpec.Builder b, Map<String, String> specPaths) {
        List<Field> items = elements(f);
        if (items == null) {
            return;
        }
        specPaths.put("pci", f.path());
        for (Field item : items) {
            if (r.object(item) == null) {
                continue;
            }
            onlyKnown(item, Set.of("slot", "host", "mapping", "pcie", "xVga", "rombar"), null);
            Integer index = slotIndex(member(item, "slot"), r.text(member(item, "slot")), "hostpci", 15);
            String host = r.text(member(item, "host"));
            String mapping = r.text(member(item, "mapping"));
            Boolean pcie = r.bool(member(item, "pcie"));
            Boolean xVga = r.bool(member(item, "xVga"));
            Boolean rombar = r.bool(member(item, "rombar"));
            if (index == null) {
                continue;
            }
            specPaths.put("pci[" + index + "]", item.path());
            try {
                b.pci(new PciPassthrough(index, new HostPciConfig(host, mapping, pcie, xVga, rombar)));
            } catch (PropertyStringException e) {
                String m = e.getMessage();
                String key = m.startsWith("host:") ? ".host" : m.startsWith("mapping:") ? ".mapping" : "";
                r.problem(item.path() + key, key.isEmpty() ? m : m.substring(m.indexOf(": ") + 2));
            } catch (InvalidValueException e) {
                attribute(e.problem(), specPaths, item.path());
            }
        }
    }

    private List<Feature> features(Field f) {
        List<Feature> out = new ArrayList<>();
        List<Field> items = elements(f);
        if (items == null) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (Field item : items) {
            String name;
            Map<String, String> parameters = Map.of();
            if (item.present() && item.node().isTextual()) {
                name = item.node().textValue();
            } else if (item.present() && item.node().isObject()) {
                onlyKnown(item, Set.of("name", "parameters"), null);
                Field nameF = member(item, "name");
                name = r.text(nameF);
                if (!nameF.present()) {
                    r.missing(item.path(), "name", "");
                }
                Map<String, String> p = rawMap(member(item, "parameters"), false);
                parameters = p == null ? Map.of() : p;
            } else {
                r.problem(item.path(), "expected a feature name or {\"name\": ..., \"parameters\": {...}}, got "
                        + JsonReading.describe(item.node()));
                continue;
            }
            if (name == null) {
                continue;
            }
            if (name.isBlank()) {
                r.problem(item.path(), "a feature name must not be blank");
            } else if (!seen.add(name)) {
                r.problem(item.path(), "feature '" + name + "' is listed twice");
            } else {
                out.add(new Feature(name, parameters));
            }
        }
        return out;
    }

    private SnapshotPolicy snapshots(Field f) {
        if (r.object(f) == null) {
            return SnapshotPolicy.none();
        }
        onlyKnown(f, Set.of("beforeFeatures", "afterFeatures", "beforeTemplate"), null);
        String[] names = new String[3];
        String[] keys = {"beforeFeatures", "afterFeatures", "beforeTemplate"};
        for (int i = 0; i < keys.length; i++) {
            Field m = member(f, keys[i]);
            String v = r.text(m);
            if (v != null && !SnapshotPolicy.isValidName(v)) {
                r.problem(m.path(), "'" + v + "' is not a valid snapshot name (a letter, then letters, digits, '_' or '-')");
            } else {
                names[i] = v;
            }
        }
        return new SnapshotPolicy(names[0], names[1], names[2]);
    }

    /** An object of raw JSON values; {@code redact} for ignored fields (never acted on, so secrets are not kept). */
    private Map<String, String> rawMap(Field f, boolean redact) {
        ObjectNode o = r.object(f);
        if (o == null) {
            return null;
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            out.put(e.getKey(), redact ? JsonReading.raw(e.getKey(), e.getValue()) : JsonReading.raw(null, e.getValue(), false));
        }
        return out;
    }
}
