package ai.thinkheads.phoenix.testkit.arbitraries;

import ai.thinkheads.phoenix.config.AgentConfig;
import ai.thinkheads.phoenix.config.BootOrder;
import ai.thinkheads.phoenix.config.ConfigKeys;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.DriveBus;
import ai.thinkheads.phoenix.config.DriveConfig;
import ai.thinkheads.phoenix.config.HostPciConfig;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.config.NameserverList;
import ai.thinkheads.phoenix.config.NetConfig;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.config.SshKeys;
import ai.thinkheads.phoenix.config.StartupOrder;
import ai.thinkheads.phoenix.config.TagList;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.PciPassthrough;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik arbitraries for Phoenix values. Everything generated is <em>valid</em>: every
 * {@link #vmSpecs() VmSpec} builds without problems, every config view parses back from its own
 * text. Use them in your own properties:
 *
 * <pre>{@code
 * @Property
 * void plansAreDeterministic(@ForAll("specs") VmSpec spec) { ... }
 *
 * @Provide
 * Arbitrary<VmSpec> specs() { return PhoenixArbitraries.vmSpecs(); }
 * }</pre>
 *
 * Spec parts: {@link #vmNames()}, {@link #sources()}, {@link #disks()}, {@link #nics()},
 * {@link #cloudInits(List)}, {@link #vmSpecs()}. Config views: {@link #diskConfigs()},
 * {@link #nicConfigs()}, {@link #ipConfigs()}, {@link #bootOrders()}, {@link #startupOrders()},
 * {@link #agentConfigs()}, {@link #hostPciConfigs()}, {@link #tagLists()}, {@link #sshKeys()},
 * {@link #nameserverLists()}, {@link #propertyStrings()}.
 */
public final class PhoenixArbitraries {

    private static final String HEX = "0123456789ABCDEF";
    private static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final String CRYPT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./";
    /** Raw options the escape hatch accepts, with valid values. */
    private static final Map<String, List<String>> RAW_OPTIONS = Map.of(
            "ostype", List.of("l26", "other", "win11"),
            "bios", List.of("seabios", "ovmf"),
            "numa", List.of("0", "1"),
            "protection", List.of("0", "1"),
            "cpuunits", List.of("1", "100", "1024", "262144"),
            "tablet", List.of("0", "1"),
            "serial0", List.of("socket"),
            "citype", List.of("nocloud", "configdrive2"));

    private PhoenixArbitraries() {
    }

    // ----- small values

    /** DNS names of one to three labels ({@code web01}, {@code a-1.example}). */
    public static Arbitrary<String> vmNames() {
        Arbitrary<String> label = Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofLength(1),
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-').ofMaxLength(10),
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofLength(1))
                .as((a, mid, z) -> a + mid + z);
        return label.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l));
    }

    /** Storage IDs ({@code local-lvm}, {@code ceph}). */
    public static Arbitrary<String> storageIds() {
        return Arbitraries.oneOf(Arbitraries.of("local", "local-lvm", "local-zfs", "ceph", "nfs.backup"),
                Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').ofLength(1),
                        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-', '_', '.').ofMaxLength(8),
                        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofLength(1)).as((a, b, c) -> a + b + c));
    }

    /** Bridge IDs ({@code vmbr0}). */
    public static Arbitrary<String> bridges() {
        return Arbitraries.integers().between(0, 9999).map(i -> "vmbr" + i);
    }

    /** Whole-GiB sizes from 1 GiB to 4 TiB. */
    public static Arbitrary<DiskSize> diskSizes() {
        return Arbitraries.longs().between(1, 4096).map(DiskSize::ofGiB);
    }

    /** Any positive size, as Proxmox records it ({@code 4096M}, {@code 32G}, {@code 1537K}...). */
    public static Arbitrary<DiskSize> anyDiskSizes() {
        return Arbitraries.longs().between(1, 1L << 42).map(DiskSize::new);
    }

    /** Unicast MAC addresses in upper case ({@code BC:24:11:0A:00:01}). */
    public static Arbitrary<String> macs() {
        return Arbitraries.integers().between(0, 255).list().ofSize(6).map(bytes -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                int b = i == 0 ? bytes.get(i) & 0xFE : bytes.get(i);
                if (i > 0) {
                    sb.append(':');
                }
                sb.append(HEX.charAt(b >> 4)).append(HEX.charAt(b & 0xF));
            }
            return sb.toString();
        });
    }

    /** IPv4 addresses. */
    public static Arbitrary<String> ipv4s() {
        return Arbitraries.integers().between(0, 255).list().ofSize(4)
                .map(o -> o.get(0) + "." + o.get(1) + "." + o.get(2) + "." + o.get(3));
    }

    /** IPv6 addresses in the documentation range ({@code 2001:db8:1a::5}). */
    public static Arbitrary<String> ipv6s() {
        return Combinators.combine(Arbitraries.integers().between(0, 0xffff), Arbitraries.integers().between(1, 0xffff))
                .as((net, host) -> "2001:db8:" + Integer.toHexString(net) + "::" + Integer.toHexString(host));
    }

    /** OpenSSH public key lines. */
    public static Arbitrary<String> sshPublicKeys() {
        return Combinators.combine(Arbitraries.of("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"),
                Arbitraries.strings().withChars(BASE64.toCharArray()).ofMinLength(16).ofMaxLength(68),
                Arbitraries.of("", "=", "=="),
                Arbitraries.of("", " me@laptop", " ci key", " deploy+prod@example.com"))
                .as((type, body, pad, comment) -> type + " AAAA" + body + pad + comment);
    }

    /** crypt(3) SHA-512 password hashes ({@code $6$salt$...}). */
    public static Arbitrary<String> passwordHashes() {
        return Combinators.combine(Arbitraries.strings().withChars(CRYPT.toCharArray()).ofMinLength(8).ofMaxLength(16),
                Arbitraries.strings().withChars(CRYPT.toCharArray()).ofLength(86)).as((salt, hash) -> "$6$" + salt + "$" + hash);
    }

    // ----- config views

    /** Drive values in every form: create, import, stored, cloud-init. */
    public static Arbitrary<DriveConfig> diskConfigs() {
        Arbitrary<DriveConfig> create = Combinators.combine(storageIds(), Arbitraries.longs().between(1, 4096))
                .as(DriveConfig::newVolume);
        Arbitrary<DriveConfig> imports = Combinators.combine(storageIds(),
                Arbitraries.of("/var/lib/vz/template/iso/noble.img", "local:iso/debian-12.qcow2", "/mnt/images/a_b.raw"))
                .as(DriveConfig::importing);
        Arbitrary<DriveConfig> stored = Combinators.combine(storageIds(), Arbitraries.integers().between(100, 999_999),
                Arbitraries.integers().between(0, 9), anyDiskSizes())
                .as((s, vmid, n, size) -> new DriveConfig(s + ":vm-" + vmid + "-disk-" + n, Map.of("size", size.toString())));
        Arbitrary<DriveConfig> cloudInit = storageIds().map(DriveConfig::cloudInit);
        Arbitrary<Map<String, String>> options = Combinators.combine(
                Arbitraries.of("on", "ignore").injectNull(0.5),
                Arbitraries.of("0", "1").injectNull(0.6),
                Arbitraries.of("0", "1").injectNull(0.6),
                Arbitraries.of(ConfigKeys.CACHE_MODES).injectNull(0.7),
                Arbitraries.of("0", "1").injectNull(0.8),
                Arbitraries.of("native", "threads", "io_uring").injectNull(0.8))
                .as((discard, ssd, iothread, cache, backup, aio) -> {
                    Map<String, String> m = new TreeMap<>();
                    putIf(m, "discard", discard);
                    putIf(m, "ssd", ssd);
                    putIf(m, "iothread", iothread);
                    putIf(m, "cache", cache);
                    putIf(m, "backup", backup);
                    putIf(m, "aio", aio);
                    return m;
                });
        return Combinators.combine(Arbitraries.oneOf(create, imports, stored, cloudInit), options).as((d, extra) -> {
            DriveConfig out = d;
            for (Map.Entry<String, String> e : extra.entrySet()) {
                out = out.with(e.getKey(), e.getValue());
            }
            return out;
        });
    }

    /** {@code net[n]} values, with and without MAC. */
    public static Arbitrary<NetConfig> nicConfigs() {
        return Combinators.combine(Arbitraries.of(ConfigKeys.NIC_MODELS), macs().injectNull(0.4), bridges().injectNull(0.1),
                Arbitraries.integers().between(1, 4094).injectNull(0.5), Arbitraries.of("0", "1").injectNull(0.5),
                Arbitraries.integers().between(1, 65520).injectNull(0.8), Arbitraries.integers().between(0, 64).injectNull(0.8),
                Arbitraries.of("0", "1", "12.5", "100").injectNull(0.8))
                .as((model, mac, bridge, tag, firewall, mtu, queues, rate) -> {
                    Map<String, String> m = new TreeMap<>();
                    putIf(m, "bridge", bridge);
                    putIf(m, "tag", tag == null ? null : tag.toString());
                    putIf(m, "firewall", firewall);
                    putIf(m, "mtu", mtu == null ? null : mtu.toString());
                    putIf(m, "queues", queues == null ? null : queues.toString());
                    putIf(m, "rate", rate);
                    return new NetConfig(model, mac, m);
                });
    }

    /** {@code ipconfig[n]} values: DHCP or static IPv4 with or without gateway, optionally IPv6. */
    public static Arbitrary<IpConfig> ipConfigs() {
        Arbitrary<IpConfig> v4 = Arbitraries.oneOf(
                Arbitraries.just(IpConfig.dhcp()),
                Combinators.combine(ipv4s(), Arbitraries.integers().between(0, 32), ipv4s().injectNull(0.3))
                        .as((ip, prefix, gw) -> IpConfig.staticV4(ip + "/" + prefix, gw)));
        Arbitrary<String[]> v6 = Arbitraries.oneOf(
                Arbitraries.just(new String[] {null, null}),
                Arbitraries.of("dhcp", "auto").map(s -> new String[] {s, null}),
                Combinators.combine(ipv6s(), Arbitraries.integers().between(0, 128), ipv6s().injectNull(0.3))
                        .as((ip, prefix, gw) -> new String[] {ip + "/" + prefix, gw}));
        Arbitrary<IpConfig> v6only = Combinators.combine(ipv6s(), Arbitraries.integers().between(0, 128))
                .as((ip, prefix) -> new IpConfig(null, null, ip + "/" + prefix, null));
        return Arbitraries.oneOf(Combinators.combine(v4, v6).as((c, six) -> c.withIpv6(six[0], six[1])), v6only);
    }

    /** Boot orders over disks and NICs. */
    public static Arbitrary<BootOrder> bootOrders() {
        Arbitrary<String> device = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 30).map(i -> "scsi" + i),
                Arbitraries.integers().between(0, 15).map(i -> "virtio" + i),
                Arbitraries.integers().between(0, 3).map(i -> "ide" + i),
                Arbitraries.integers().between(0, 31).map(i -> "net" + i),
                Arbitraries.integers().between(0, 15).map(i -> "hostpci" + i));
        return device.list().ofMaxSize(5).uniqueElements().map(BootOrder::new);
    }

    public static Arbitrary<StartupOrder> startupOrders() {
        Arbitrary<Integer> n = Arbitraries.integers().between(0, 100_000);
        return Combinators.combine(n.injectNull(0.3), n.injectNull(0.5), n.injectNull(0.5))
                .as((o, u, d) -> o == null && u == null && d == null ? new StartupOrder(0, null, null) : new StartupOrder(o, u, d));
    }

    public static Arbitrary<AgentConfig> agentConfigs() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false).injectNull(0.5)).as(AgentConfig::new);
    }

    public static Arbitrary<HostPciConfig> hostPciConfigs() {
        Arbitrary<String> pciId = Combinators.combine(Arbitraries.of("", "0000:"), Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 31), Arbitraries.integers().between(0, 7).injectNull(0.3))
                .as((dom, bus, dev, fn) -> dom + hex2(bus) + ":" + hex2(dev) + (fn == null ? "" : "." + fn));
        Arbitrary<HostPciConfig> base = Arbitraries.oneOf(
                pciId.list().ofMinSize(1).ofMaxSize(2).map(l -> HostPciConfig.host(String.join(";", l))),
                Arbitraries.of("gpu", "nvme-0", "nic_a").map(HostPciConfig::mapping));
        Arbitrary<Boolean> flag = Arbitraries.of(true, false).injectNull(0.5);
        return Combinators.combine(base, flag, flag, flag)
                .as((h, pcie, xvga, rombar) -> new HostPciConfig(h.host(), h.mapping(), pcie, xvga, rombar));
    }

    /** pve-tag tags. */
    public static Arbitrary<String> tags() {
        return Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('_').ofLength(1),
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('_', '-', '+', '.').ofMaxLength(10))
                .as((a, b) -> a + b);
    }

    public static Arbitrary<TagList> tagLists() {
        return tags().list().ofMaxSize(5).uniqueElements().map(TagList::new);
    }

    public static Arbitrary<SshKeys> sshKeys() {
        return sshPublicKeys().list().ofMaxSize(3).uniqueElements().map(SshKeys::new);
    }

    public static Arbitrary<NameserverList> nameserverLists() {
        return Arbitraries.oneOf(ipv4s(), ipv6s()).list().ofMinSize(1).ofMaxSize(3).map(NameserverList::new);
    }

    /** Generic property strings with default key {@code file}. */
    public static Arbitrary<PropertyString> propertyStrings() {
        Arbitrary<String> keys = Arbitraries.strings().withCharRange('a', 'z').withChars('-', '_').ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> values = Arbitraries.strings().withCharRange('!', '~').excludeChars(',').ofMinLength(1).ofMaxLength(12);
        return Combinators.combine(Arbitraries.maps(keys, values).ofMaxSize(6),
                values.filter(v -> v.indexOf('=') < 0).injectNull(0.3)).as((map, bare) -> {
                    LinkedHashMap<String, String> m = new LinkedHashMap<>(map);
                    m.remove("file");
                    if (bare != null) {
                        m.put("file", bare);
                    }
                    return PropertyString.of("file", m);
                });
    }

    // ----- spec parts

    public static Arbitrary<Source> sources() {
        return Arbitraries.oneOf(
                Arbitraries.just(Source.emptyDisks()),
                Arbitraries.of("/var/lib/vz/template/iso/noble.img", "local:iso/jammy.qcow2", "/srv/images/debian-12.raw")
                        .map(Source::importImage),
                Combinators.combine(Arbitraries.integers().between(100, 999_999_999), Arbitraries.of(true, false),
                        Arbitraries.of("base", "pre-upgrade").injectNull(0.7), storageIds().injectNull(0.5))
                        .as((vmid, full, snap, storage) -> new Source.CloneTemplate(vmid, full, snap, full ? storage : null)));
    }

    /** Disks on any valid slot except {@code ide2} (the cloud-init drive's default). */
    public static Arbitrary<Disk> disks() {
        Arbitrary<int[]> slot = Arbitraries.of(DriveBus.values()).flatMap(bus ->
                Arbitraries.integers().between(0, bus.maxIndex()).filter(i -> !(bus == DriveBus.IDE && i == 2))
                        .map(i -> new int[] {bus.ordinal(), i}));
        Arbitrary<Boolean> flag = Arbitraries.of(true, false).injectNull(0.5);
        return Combinators.combine(slot, storageIds(), diskSizes(), flag, flag, flag, Arbitraries.of(ConfigKeys.CACHE_MODES).injectNull(0.6),
                Arbitraries.of(Map.<String, String>of(), Map.of("backup", "0"), Map.of("aio", "io_uring", "replicate", "0")))
                .as((s, storage, size, discard, ssd, iothread, cache, extra) -> {
                    DriveBus bus = DriveBus.values()[s[0]];
                    return new Disk(bus, s[1], storage, size, discard, bus.supportsSsd() ? ssd : null,
                            bus.supportsIothread() ? iothread : null, cache, extra);
                });
    }

    /** NICs with valid combinations (MTU only on virtio, at least 576 or 1). */
    public static Arbitrary<Nic> nics() {
        return Combinators.combine(Arbitraries.integers().between(0, 31), Arbitraries.of(ConfigKeys.NIC_MODELS), bridges(),
                Arbitraries.integers().between(1, 4094).injectNull(0.5), macs().injectNull(0.5), Arbitraries.of(true, false).injectNull(0.5),
                Arbitraries.oneOf(Arbitraries.just(1), Arbitraries.integers().between(576, 65520)).injectNull(0.7),
                Arbitraries.integers().between(0, 64).injectNull(0.8))
                .as((index, model, bridge, vlan, mac, firewall, mtu, queues) ->
                        new Nic(index, model, bridge, vlan, mac, firewall, model.equals("virtio") ? mtu : null, null, queues));
    }

    /** Cloud-init for a VM with NICs {@code nicIndexes} (ipconfig only for those). */
    public static Arbitrary<CloudInit> cloudInits(List<Integer> nicIndexes) {
        Arbitrary<List<IpConfig>> ips = ipConfigs().list().ofSize(nicIndexes.size());
        Arbitrary<List<Boolean>> use = Arbitraries.of(true, false).list().ofSize(nicIndexes.size());
        return Combinators.combine(storageIds(), Arbitraries.of("ubuntu", "debian", "ops_1").injectNull(0.3),
                sshPublicKeys().list().ofMaxSize(2).uniqueElements(), passwordHashes().injectNull(0.5), ips, use,
                nameserverLists().injectNull(0.5), Arbitraries.of("example.com", "lab.internal").injectNull(0.5))
                .as((storage, user, keys, hash, ipList, useList, dns, domain) -> {
                    CloudInit.Builder b = CloudInit.builder(storage);
                    if (user != null) {
                        b.user(user);
                    }
                    keys.forEach(b::sshKey);
                    if (hash != null) {
                        b.passwordHash(hash);
                    }
                    for (int i = 0; i < nicIndexes.size(); i++) {
                        if (useList.get(i)) {
                            b.ipconfig(nicIndexes.get(i), ipList.get(i));
                        }
                    }
                    if (dns != null) {
                        b.nameservers(dns.addresses().toArray(String[]::new));
                    }
                    if (domain != null) {
                        b.searchDomain(domain);
                    }
                    return b;
                })
                .map(CloudInit.Builder::build)
                .flatMap(ci -> Arbitraries.of(false, true).map(withUserData -> withUserData
                        ? ci.toBuilder().userData("#cloud-config\npackages: [nginx]\n").snippetStorage("local").build()
                        : ci));
    }

    /** Valid specs: each builds without problems. */
    public static Arbitrary<VmSpec> vmSpecs() {
        Arbitrary<List<Disk>> diskLists = disks().list().ofMaxSize(4).uniqueElements(Disk::key);
        Arbitrary<List<Nic>> nicLists = nics().list().ofMaxSize(4).uniqueElements(Nic::index)
                .filter(l -> l.stream().filter(n -> n.mac() != null).map(n -> n.mac()).distinct().count()
                        == l.stream().filter(n -> n.mac() != null).count());
        Arbitrary<int[]> sizing = Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 64),
                Arbitraries.integers().between(16, 65536), Arbitraries.integers().between(0, 100).injectNull(0.5))
                .as((sockets, cores, mem, balloonPercent) -> new int[] {sockets, cores, mem, balloonPercent == null ? -1 : balloonPercent});
        Arbitrary<String> scsihw = Arbitraries.of(ConfigKeys.SCSI_CONTROLLERS);
        Arbitrary<VmSpec.Builder> base = Combinators.combine(vmNames(), Arbitraries.integers().between(100, 999_999_999).injectNull(0.3),
                sources(), diskLists, nicLists, sizing, scsihw, Arbitraries.of("host", "x86-64-v2-AES", "kvm64").injectNull(0.5))
                .as((name, vmid, source, diskList, nicList, size, hw, cpu) -> {
                    VmSpec.Builder b = VmSpec.builder(name).source(source).sockets(size[0]).cores(size[1]).memory(size[2]).scsihw(hw);
                    if (vmid != null) {
                        b.vmid(vmid);
                    }
                    if (cpu != null) {
                        b.cpu(cpu);
                    }
                    if (size[3] >= 0) {
                        b.balloon((int) ((long) size[2] * size[3] / 100));
                    }
                    List<Disk> ds = new ArrayList<>(diskList);
                    if (ds.isEmpty() && source instanceof Source.ImportImage) {
                        ds.add(Disk.scsi(0, "local-lvm", null));
                    }
                    for (Disk d : ds) {
                        if (d.bus() == DriveBus.SCSI && Boolean.TRUE.equals(d.iothread()) && !hw.equals("virtio-scsi-single")) {
                            d = new Disk(d.bus(), d.index(), d.storage(), d.size(), d.discard(), d.ssd(), false, d.cache(), d.extraOptions());
                        }
                        b.disk(d);
                    }
                    nicList.forEach(b::nic);
                    return b;
                });
        return base.flatMap(b -> {
            VmSpec partial = b.build();
            List<Integer> nicIndexes = partial.nics().stream().map(Nic::index).toList();
            return Combinators.combine(cloudInits(nicIndexes).injectNull(0.4), Arbitraries.longs(), extras(),
                    agentConfigs().injectNull(0.5), tags().list().ofMaxSize(3).uniqueElements(),
                    hostPciConfigs().list().ofMaxSize(2), rawOptions())
                    .as((ci, seed, ex, agent, tagList, pcis, raw) -> {
                        VmSpec.Builder out = partial.toBuilder();
                        if (ci != null) {
                            out.cloudInit(ci);
                        }
                        if (agent != null) {
                            out.agent(agent);
                        }
                        out.tags(tagList.toArray(String[]::new));
                        for (int i = 0; i < pcis.size(); i++) {
                            out.pci(new PciPassthrough(i, pcis.get(i)));
                        }
                        raw.forEach(out::option);
                        boolean template = ex[0] == 1;
                        out.template(template).onboot(!template && ex[1] == 1).start(!template && ex[2] == 1);
                        if (ex[3] >= 0) {
                            out.startup(ex[3], ex[3] % 2 == 0 ? 30 : null, null);
                        }
                        if (ex[4] == 1) {
                            out.pool("pool-" + (seed & 0xff));
                            out.description("managed by phoenix, seed " + seed);
                        }
                        List<String> devices = new ArrayList<>();
                        partial.disks().forEach(d -> devices.add(d.key()));
                        partial.nics().forEach(n -> devices.add(n.key()));
                        for (int i = 0; i < pcis.size(); i++) {
                            devices.add("hostpci" + i);
                        }
                        if (ci != null) {
                            devices.add(ci.slot());
                        }
                        Collections.shuffle(devices, new Random(seed));
                        out.bootOrder(devices.subList(0, (int) Math.floorMod(seed, (long) devices.size() + 1)).toArray(String[]::new));
                        return out.build();
                    });
        });
    }

    private static Arbitrary<int[]> extras() {
        return Combinators.combine(Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, 1), Arbitraries.integers().between(-1, 20), Arbitraries.integers().between(0, 1))
                .as((a, b, c, d, e) -> new int[] {a, b, c, d, e});
    }

    private static Arbitrary<Map<String, String>> rawOptions() {
        List<String> keys = new ArrayList<>(new TreeMap<>(RAW_OPTIONS).keySet());
        return Arbitraries.of(keys).list().ofMaxSize(3).uniqueElements().flatMap(chosen -> {
            if (chosen.isEmpty()) {
                return Arbitraries.just(Map.<String, String>of());
            }
            List<Arbitrary<String>> values = new ArrayList<>();
            chosen.forEach(k -> values.add(Arbitraries.of(RAW_OPTIONS.get(k))));
            return Combinators.combine(values).as(vs -> {
                Map<String, String> m = new TreeMap<>();
                for (int i = 0; i < chosen.size(); i++) {
                    m.put(chosen.get(i), vs.get(i));
                }
                return m;
            });
        });
    }

    private static String hex2(int v) {
        return "" + Character.toLowerCase(HEX.charAt(v >> 4)) + Character.toLowerCase(HEX.charAt(v & 0xF));
    }

    private static void putIf(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
