package ai.thinkheads.phoenix.testkit.model;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a fresh disk imported from a cloud image holds: its installed packages and default
 * hostname. Start from {@link #ubuntuNobleCloud()}, the stock Ubuntu 24.04 cloud image
 * ({@code noble-server-cloudimg-amd64.img}): cloud-init present, qemu-guest-agent NOT installed
 * (the image's manifest lists no {@code qemu-guest-agent}).
 *
 * @param name     a name for the image, shown in {@link GuestState#image()}
 * @param packages the packages installed in it
 * @param hostname the hostname it boots with before cloud-init sets one
 */
public record GuestImage(String name, Set<String> packages, String hostname) {

    public GuestImage {
        Objects.requireNonNull(name, "name");
        packages = Set.copyOf(packages);
        Objects.requireNonNull(hostname, "hostname");
    }

    /** The stock Ubuntu 24.04 LTS (noble) server cloud image. */
    public static GuestImage ubuntuNobleCloud() {
        return new GuestImage("ubuntu-24.04-server-cloudimg", UbuntuArchive.cloudImagePackages(), "ubuntu");
    }

    /** This image with {@code more} packages preinstalled, renamed {@code newName} (e.g. an image that ships the agent). */
    public GuestImage withPackages(String newName, String... more) {
        Set<String> all = new TreeSet<>(packages);
        for (String p : more) {
            all.add(UbuntuArchive.require(p));
        }
        return new GuestImage(newName, all, hostname);
    }
}
