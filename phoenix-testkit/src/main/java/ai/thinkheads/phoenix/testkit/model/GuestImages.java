package ai.thinkheads.phoenix.testkit.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Which {@link GuestImage} a disk imported with {@code import-from=<volid>} holds. The default,
 * {@link #stock()}, knows one thing: a volume whose name contains {@code cloudimg} (Ubuntu's
 * naming, {@code noble-server-cloudimg-amd64.img}) is the stock Ubuntu 24.04 cloud image. Any other
 * import is a disk the model cannot boot: no OS, so no agent. {@link #with} adds mappings that
 * win over the stock one (e.g. an image that ships the agent).
 */
public final class GuestImages {

    private record Rule(String volidContains, GuestImage image) {
    }

    private final List<Rule> rules;

    private GuestImages(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The faithful default: {@code *cloudimg*} images are the stock Ubuntu 24.04 cloud image. */
    public static GuestImages stock() {
        return new GuestImages(List.of(new Rule("cloudimg", GuestImage.ubuntuNobleCloud())));
    }

    /** These mappings, with imports whose volume id contains {@code volidContains} (case-insensitive) holding {@code image} first. */
    public GuestImages with(String volidContains, GuestImage image) {
        List<Rule> out = new ArrayList<>();
        out.add(new Rule(Objects.requireNonNull(volidContains, "volidContains").toLowerCase(Locale.ROOT),
                Objects.requireNonNull(image, "image")));
        out.addAll(rules);
        return new GuestImages(out);
    }

    /** The image a disk imported from {@code importSource} holds, or empty: no OS the model knows. */
    public Optional<GuestImage> imageFor(String importSource) {
        String s = importSource == null ? "" : importSource.toLowerCase(Locale.ROOT);
        for (Rule r : rules) {
            if (s.contains(r.volidContains())) {
                return Optional.of(r.image());
            }
        }
        return Optional.empty();
    }
}
