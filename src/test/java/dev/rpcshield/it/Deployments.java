package dev.rpcshield.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR the build made, as Arquillian deploys it (under another name than the dev server's). */
public final class Deployments {
  private Deployments() {}

  public static WebArchive gateway() {
    File war = new File(System.getProperty("it.war", "target/rpcshield.war"));
    return ShrinkWrap.create(ZipImporter.class, "gateway.war").importFrom(war).as(WebArchive.class);
  }
}
