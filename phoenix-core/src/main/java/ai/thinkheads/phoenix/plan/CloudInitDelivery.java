package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.cloudinit.NoCloudData;
import ai.thinkheads.phoenix.cloudinit.NoCloudIso;
import ai.thinkheads.phoenix.config.NetConfig;
import ai.thinkheads.phoenix.feature.ResolvedFeatures;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.ProxmoxConfigMapping;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * How a VM's own user-data document reaches it, decided per plan from what the backend can write
 * ({@code Hypervisor.uploadableContent()}):
 *
 * <ul>
 *   <li><b>Snippet</b> (a backend with a shell on the node, e.g. {@code qm} over SSH, and a storage
 *       with content {@code snippets}): the document
 *       is written as a snippet ({@code <storage>:snippets/<vm>-<sha>.yaml}, on the declared snippet
 *       storage or one with content {@code snippets}) and named by {@code cicustom: user=...}; Proxmox's
 *       cloud-init drive still carries meta-data and the network config from {@code ipconfigN}.</li>
 *   <li><b>NoCloud ISO</b> (the HTTP API, which uploads only iso/vztmpl/import; or no storage allows
 *       snippets, as on a fresh Proxmox whose {@code local} holds iso, vztmpl and backup): Phoenix writes all
 *       three NoCloud documents ({@link NoCloudData}) into an ISO labelled {@code cidata}
 *       ({@link NoCloudIso}), uploads it to a storage with content {@code iso} as
 *       {@code phoenix-<vm>-<sha>.iso}, and puts it in the cloud-init slot as a CD-ROM in place of
 *       Proxmox's cloud-init drive (two {@code cidata} sources would compete). Its network config
 *       matches NICs by MAC, so every NIC gets a fixed MAC: the declared one, the one the VM has, or
 *       one derived from the VM name and NIC index under Proxmox's prefix {@code BC:24:11}
 *       (pve-common {@code PVE::Tools::random_ether_addr}, the datacenter default {@code mac_prefix});
 *       a clone that declares no NICs declares its template's, with such MACs.</li>
 * </ul>
 * Either way the file is named by a hash of its content: a changed document changes the VM's config,
 * which the plan shows, and which takes effect at the next boot with a new instance-id.
 */
final class CloudInitDelivery {

    /** What the planner compares and what apply writes first. */
    record Result(DesiredConfig desired, List<Change.UploadFile> uploads, String how) {

        /** The spec with the delivery worked in. */
        VmSpec spec() {
            return desired.spec();
        }

        /** The uploads as plan steps. */
        List<Change> steps() {
            return uploads.stream().<Change>map(u -> new Change.Upload(u, how)).toList();
        }
    }

    private CloudInitDelivery() {
    }

    /**
     * Where {@code r}'s user-data goes (it must have some).
     *
     * @param own the VM's current config (an existing VM), or null: its NICs keep their MACs
     * @param template the template's config (a new clone), or null: a clone declaring no NICs gets
     *     its template's, with MACs of its own
     * @param storageWith a storage id with the given content type, if any
     * @throws IllegalStateException with the reason when there is no way to deliver the document
     */
    static Result of(ResolvedFeatures r, String ownerTag, Set<StorageContent> uploadable, Map<String, String> own,
                     Map<String, String> template, Function<StorageContent, Optional<String>> storageWith) {
        VmSpec spec = r.spec();
        String doc = r.userData().orElseThrow(() -> new IllegalArgumentException("nothing to deliver: no user-data"));
        CloudInit ci = spec.cloudInit().orElseThrow();
        Optional<String> snippetStorage = uploadable.contains(StorageContent.SNIPPETS)
                ? ci.snippetStorage().or(() -> storageWith.apply(StorageContent.SNIPPETS)) : Optional.empty();
        if (snippetStorage.isPresent()) {
            String storage = snippetStorage.get();
            VmSpec withDoc = spec.toBuilder().cloudInit(ci.toBuilder().userData(doc).snippetStorage(storage).build()).build();
            DesiredConfig desired = DesiredConfig.of(withDoc, ownerTag);
            List<Change.UploadFile> uploads = new ArrayList<>();
            desired.create().snippets().forEach((volid, text) -> uploads.add(new Change.UploadFile(storage, "snippets",
                    volid.substring(volid.indexOf('/') + 1), text.getBytes(StandardCharsets.UTF_8))));
            return new Result(desired, uploads, "snippet");
        }
        // no snippet storage (Proxmox's local has none by default: content iso,vztmpl,backup), or a backend that cannot write one
        if (!uploadable.contains(StorageContent.ISO)) {
            throw new IllegalStateException(uploadable.contains(StorageContent.SNIPPETS)
                    ? "user-data needs a storage with content 'snippets', and no node has one (enable snippets on a dir storage, e.g. local)"
                    : "user-data needs a snippet or an ISO upload, and this backend can write neither");
        }
        String storage = storageWith.apply(StorageContent.ISO).orElseThrow(() -> new IllegalStateException(
                "user-data needs a storage with content 'snippets' or 'iso', and no node has one"
                        + " (enable snippets or iso on a dir storage, e.g. local)"));
        VmSpec fixed = spec.toBuilder().nics(nicsWithMacs(spec, own, template)).build();
        TreeMap<Integer, String> macs = new TreeMap<>();
        fixed.nics().forEach(n -> macs.put(n.index(), n.mac()));
        NoCloudData data = NoCloudData.of(spec.name(), doc, macs, ci.ipConfigs(), ci.nameservers(), ci.searchDomain().orElse(null));
        byte[] iso = NoCloudIso.builder().userData(data.userData()).metaData(data.metaData()).networkConfig(data.networkConfig())
                .build().bytes();
        String filename = "phoenix-" + spec.name() + "-" + NoCloudData.sha1(data.instanceId() + data.metaData()).substring(0, 12) + ".iso";
        VmSpec withIso = fixed.toBuilder().cloudInit(ci.toBuilder().noCloudIso(storage + ":iso/" + filename).build()).build();
        return new Result(DesiredConfig.of(withIso, ownerTag), List.of(new Change.UploadFile(storage, "iso", filename, iso)),
                "NoCloud ISO");
    }

    /** Every NIC the VM will have, each with a MAC: declared, the one it has now, or derived. */
    private static List<Nic> nicsWithMacs(VmSpec spec, Map<String, String> own, Map<String, String> template) {
        List<Nic> declared = new ArrayList<>(spec.nics());
        Map<String, String> inherited = own != null ? own : template;
        if (declared.isEmpty() && inherited != null) {
            // a clone without declared NICs keeps its template's: declare them
            inherited.keySet().stream().filter(k -> k.matches("net\\d+")).sorted().forEach(k -> {
                NetConfig n = NetConfig.parse(inherited.get(k));
                Nic nic = Nic.of(Integer.parseInt(k.substring(3)), n.model(), n.bridge().orElse(null));
                if (n.tag().isPresent()) {
                    nic = nic.withVlan(n.tag().get());
                }
                if (n.mtu().isPresent()) {
                    nic = nic.withMtu(n.mtu().get());
                }
                if ("1".equals(n.options().get("firewall"))) {
                    nic = nic.withFirewall(true);
                }
                declared.add(nic);
            });
        }
        List<Nic> out = new ArrayList<>();
        for (Nic n : declared) {
            String current = own == null || !own.containsKey(n.key()) ? null : NetConfig.parse(own.get(n.key())).mac().orElse(null);
            out.add(n.macIfAny().isPresent() ? n : n.withMac(current != null ? current : derivedMac(spec.name(), n.index())));
        }
        return out;
    }

    /** {@code BC:24:11:xx:xx:xx} from the SHA-1 of {@code name/index}: stable across plans, unicast. */
    static String derivedMac(String name, int index) {
        String h = NoCloudData.sha1(name + "/" + index).toUpperCase(java.util.Locale.ROOT);
        return "BC:24:11:" + h.substring(0, 2) + ":" + h.substring(2, 4) + ":" + h.substring(4, 6);
    }
}
