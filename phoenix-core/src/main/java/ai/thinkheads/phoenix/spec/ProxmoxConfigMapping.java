package ai.thinkheads.phoenix.spec;

import ai.thinkheads.phoenix.config.BootOrder;
import ai.thinkheads.phoenix.config.DriveConfig;
import ai.thinkheads.phoenix.config.NameserverList;
import ai.thinkheads.phoenix.config.NetConfig;
import ai.thinkheads.phoenix.config.SshKeys;
import ai.thinkheads.phoenix.config.TagList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mapping from a {@link VmSpec} to the Proxmox config it wants, key by key. Deterministic: the
 * same spec always gives the same map. Booleans that are off and values left unset are not
 * emitted (absent means the Proxmox default).
 *
 * <table>
 * <caption>VmSpec → config</caption>
 * <tr><th>spec</th><th>key</th><th>value</th></tr>
 * <tr><td>name</td><td>{@code name}</td><td>as is</td></tr>
 * <tr><td>sockets, cores</td><td>{@code sockets}, {@code cores}</td><td>always</td></tr>
 * <tr><td>cpuType</td><td>{@code cpu}</td><td>the type as the default key: {@code host}</td></tr>
 * <tr><td>memoryMiB</td><td>{@code memory}</td><td>always, MiB: {@code 2048}</td></tr>
 * <tr><td>balloonMiB</td><td>{@code balloon}</td><td>if set; 0 disables</td></tr>
 * <tr><td>scsihw</td><td>{@code scsihw}</td><td>always</td></tr>
 * <tr><td>disk (empty/clone source)</td><td>{@code scsi0}...</td><td>{@code storage:GiB[,cache=..][,discard=on|ignore][,iothread=1|0][,ssd=1|0][,extra...]};
 *     for a clone the apply step grows an existing slot to this size instead of allocating</td></tr>
 * <tr><td>first disk, import source</td><td>{@code scsi0}...</td><td>{@code storage:0,import-from=<from>,...}; a declared size is
 *     grown to after the import</td></tr>
 * <tr><td>cloud-init</td><td>{@code ide2} (slot)</td><td>{@code storage:cloudinit,media=cdrom}</td></tr>
 * <tr><td>nic</td><td>{@code net<n>}</td><td>{@code model[=MAC],bridge=..[,firewall=1][,mtu=..][,queues=..][,rate=..][,tag=..]};
 *     no MAC declared → none emitted (Proxmox generates it)</td></tr>
 * <tr><td>cloudInit.ipconfig</td><td>{@code ipconfig<n>}</td><td>{@code gw=..,ip=..}</td></tr>
 * <tr><td>cloudInit.user / passwordHash</td><td>{@code ciuser} / {@code cipassword}</td><td>the hash, stored as is by Proxmox</td></tr>
 * <tr><td>cloudInit.sshKeys</td><td>{@code sshkeys}</td><td>URL-encoded, one key per line</td></tr>
 * <tr><td>cloudInit.nameservers / searchDomain</td><td>{@code nameserver} / {@code searchdomain}</td><td>space-separated / as is</td></tr>
 * <tr><td>cloudInit.userData</td><td>{@code cicustom}</td><td>{@code user=<snippetStorage>:snippets/<name>-<sha>.yaml}
 *     ({@link #snippetName}: named by its content, so a changed document is a changed key; storage
 *     {@value #DEFAULT_SNIPPET_STORAGE} unless declared); the document goes to {@link CreateConfig#snippets()}</td></tr>
 * <tr><td>agent</td><td>{@code agent}</td><td>{@code 1} or {@code 1,fstrim_cloned_disks=1}</td></tr>
 * <tr><td>bootOrder</td><td>{@code boot}</td><td>{@code order=a;b}; if empty and there are disks: {@code order=<first disk>}</td></tr>
 * <tr><td>onboot / template</td><td>{@code onboot} / {@code template}</td><td>{@code 1} when true</td></tr>
 * <tr><td>startup</td><td>{@code startup}</td><td>{@code order=1,up=30,down=60}</td></tr>
 * <tr><td>tags</td><td>{@code tags}</td><td>{@code a;b}: lower-cased and sorted, as Proxmox stores them
 *     ({@link TagList#normalized()})</td></tr>
 * <tr><td>description</td><td>{@code description}</td><td>as is</td></tr>
 * <tr><td>pciDevices</td><td>{@code hostpci<n>}</td><td>{@code 0000:01:00.0,pcie=1,x-vga=1} or {@code mapping=..}</td></tr>
 * <tr><td>options</td><td>the key</td><td>as given (booleans as 0/1)</td></tr>
 * <tr><td>pool, start</td><td>—</td><td>create parameters: {@link CreateConfig#pool()}, {@link CreateConfig#start()}</td></tr>
 * <tr><td>vmid, node, source</td><td>—</td><td>where and how to create; not config</td></tr>
 * </table>
 */
public final class ProxmoxConfigMapping {

    /** Where user-data snippets go when the spec names no snippet storage: Proxmox's default dir storage. */
    public static final String DEFAULT_SNIPPET_STORAGE = "local";

    /**
     * The file name of a VM's user-data snippet: {@code <vm>-<first 12 hex digits of the SHA-1 of
     * the document>.yaml}. Naming the file by its content makes a new document a new {@code cicustom}
     * value, which the plan shows, and leaves a running VM's current file untouched until it restarts.
     */
    public static String snippetName(String vmName, String document) {
        return vmName + "-" + ai.thinkheads.phoenix.cloudinit.NoCloudData.sha1(document).substring(0, 12) + ".yaml";
    }

    private ProxmoxConfigMapping() {
    }

    /** The desired config of {@code spec}, with pool/start and snippets kept apart. */
    public static CreateConfig forCreate(VmSpec spec) {
        Map<String, String> c = new TreeMap<>();
        Map<String, String> snippets = new TreeMap<>();
        c.put("name", spec.name());
        c.put("sockets", Integer.toString(spec.sockets()));
        c.put("cores", Integer.toString(spec.cores()));
        spec.cpuType().ifPresent(t -> c.put("cpu", t));
        c.put("memory", Integer.toString(spec.memoryMiB()));
        spec.balloonMiB().ifPresent(b -> c.put("balloon", Integer.toString(b)));
        c.put("scsihw", spec.scsihw());

        List<Disk> disks = spec.disks();
        for (int i = 0; i < disks.size(); i++) {
            Disk d = disks.get(i);
            DriveConfig drive;
            if (i == 0 && spec.source() instanceof Source.ImportImage) {
                drive = DriveConfig.importing(d.storage(), ((Source.ImportImage) spec.source()).from());
            } else {
                drive = DriveConfig.newVolume(d.storage(), d.size().gibRoundedUp());
            }
            if (d.cache() != null) {
                drive = drive.with("cache", d.cache());
            }
            if (d.discard() != null) {
                drive = drive.with("discard", d.discard() ? "on" : "ignore");
            }
            if (d.iothread() != null) {
                drive = drive.with("iothread", d.iothread() ? "1" : "0");
            }
            if (d.ssd() != null) {
                drive = drive.with("ssd", d.ssd() ? "1" : "0");
            }
            for (Map.Entry<String, String> e : d.extraOptions().entrySet()) {
                drive = drive.with(e.getKey(), e.getValue());
            }
            c.put(d.key(), drive.format());
        }

        for (Nic n : spec.nics()) {
            NetConfig net = new NetConfig(n.model(), n.mac(), Map.of("bridge", n.bridge()));
            if (n.vlan() != null) {
                net = net.with("tag", n.vlan().toString());
            }
            if (n.firewall() != null) {
                net = net.with("firewall", n.firewall() ? "1" : "0");
            }
            if (n.mtu() != null) {
                net = net.with("mtu", n.mtu().toString());
            }
            if (n.queues() != null) {
                net = net.with("queues", n.queues().toString());
            }
            if (n.rate() != null) {
                net = net.with("rate", formatNumber(n.rate()));
            }
            c.put(n.key(), net.format());
        }

        spec.cloudInit().ifPresent(ci -> {
            c.put(ci.slot(), ci.noCloudIso().map(iso -> DriveConfig.parse(iso).with("media", "cdrom"))
                    .orElseGet(() -> DriveConfig.cloudInit(ci.storage())).format());
            ci.ipConfigs().forEach((index, ip) -> c.put("ipconfig" + index, ip.format()));
            ci.user().ifPresent(u -> c.put("ciuser", u));
            ci.passwordHash().ifPresent(h -> c.put("cipassword", h));
            if (!ci.sshKeys().isEmpty()) {
                c.put("sshkeys", new SshKeys(ci.sshKeys()).format());
            }
            if (!ci.nameservers().isEmpty()) {
                c.put("nameserver", new NameserverList(ci.nameservers()).format());
            }
            ci.searchDomain().ifPresent(s -> c.put("searchdomain", s));
            ci.userData().filter(doc -> ci.noCloudIso().isEmpty()).ifPresent(doc -> {
                String volume = ci.snippetStorage().orElse(DEFAULT_SNIPPET_STORAGE) + ":snippets/" + snippetName(spec.name(), doc);
                c.put("cicustom", "user=" + volume);
                snippets.put(volume, doc);
            });
        });

        spec.agent().ifPresent(a -> c.put("agent", a.format()));
        List<String> boot = new ArrayList<>(spec.bootOrder());
        if (boot.isEmpty() && !disks.isEmpty()) {
            boot.add(disks.get(0).key());
        }
        if (!boot.isEmpty()) {
            c.put("boot", new BootOrder(boot).format());
        }
        if (spec.onboot()) {
            c.put("onboot", "1");
        }
        spec.startup().ifPresent(s -> c.put("startup", s.format()));
        if (!spec.tags().isEmpty()) {
            c.put("tags", new TagList(spec.tags()).normalized().format());
        }
        spec.description().ifPresent(d -> c.put("description", d));
        for (PciPassthrough p : spec.pciDevices()) {
            c.put(p.key(), p.device().format());
        }
        if (spec.template()) {
            c.put("template", "1");
        }
        c.putAll(spec.options());
        return new CreateConfig(c, spec.pool().orElse(null), spec.start(), snippets);
    }

    private static String formatNumber(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
