package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.TagList;
import ai.thinkheads.phoenix.spec.CreateConfig;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.ProxmoxConfigMapping;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The config a spec wants, built once per VM by the planner (with its user-data's delivery worked
 * in) and carried by its {@link VmPlan} to apply, which compares and writes the same values: {@link ProxmoxConfigMapping#forCreate}'s
 * keys with the ownership tag added to {@code tags}, without {@code template} (compared apart: a new
 * VM is created as a template, a clone or an existing VM is converted by a
 * {@link ChangeKind#CONVERT_TO_TEMPLATE} step), plus the declared size of each disk slot.
 *
 * @param spec the spec
 * @param create what forCreate produced (pool, snippets)
 * @param config key → desired value, sorted
 * @param diskSizes disk key → declared size (null: keep the image's or the template's size), in declaration order
 * @param ownerTag the ownership tag (also names the marker an interrupted clone carries)
 */
public record DesiredConfig(VmSpec spec, CreateConfig create, Map<String, String> config, Map<String, DiskSize> diskSizes,
                     String ownerTag) {

    static DesiredConfig of(VmSpec spec, String ownerTag) {
        CreateConfig create = ProxmoxConfigMapping.forCreate(spec);
        TreeMap<String, String> config = new TreeMap<>(create.config());
        config.remove("template");
        List<String> tags = new ArrayList<>(spec.tags());
        tags.add(ownerTag);
        config.put("tags", new TagList(tags).normalized().format());
        Map<String, DiskSize> sizes = new LinkedHashMap<>();
        for (Disk d : spec.disks()) {
            sizes.put(d.key(), d.size());
        }
        return new DesiredConfig(spec, create, Collections.unmodifiableMap(config), Collections.unmodifiableMap(sizes), ownerTag);
    }

    public boolean isClone() {
        return spec.source() instanceof Source.CloneTemplate;
    }

    /**
     * The config to send with {@code create}: the desired keys, and {@code template: 1} for a
     * template, so that it is a template from its first moment (qemu-server {@code create_disks}
     * then allocates base volumes: "change created disk to a base volume in case the VM is a
     * template") and an interrupted apply never leaves a half-made template behind.
     */
    public Map<String, String> createConfig() {
        if (!spec.template()) {
            return config;
        }
        TreeMap<String, String> withTemplate = new TreeMap<>(config);
        withTemplate.put("template", "1");
        return Collections.unmodifiableMap(withTemplate);
    }
}
