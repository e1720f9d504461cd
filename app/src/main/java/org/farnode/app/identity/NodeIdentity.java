package org.farnode.app.identity;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A node's long-lived key pair and the self-signed certificate that presents its public key in
 * TLS. The node id is the fingerprint of the public key, so a peer that knows the id can check
 * it is talking to this node without any certificate authority.
 *
 * <p>Keys are EC P-256 because ECDSA over P-256 is mandatory for every TLS 1.3 implementation
 * (RFC 8446, section 9.1), so any peer stack, JDK or native, can verify it.
 */
public final class NodeIdentity {
    static final String KEY_ALGORITHM = "EC";
    static final String CURVE = "secp256r1";

    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final String nodeId;

    NodeIdentity(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.nodeId = fingerprint(certificate.getPublicKey());
    }

    /**
     * The identity stored in {@code dataDirectory}; on the first start (neither file there) a new
     * one is generated and written, the private key readable by its owner only where the file
     * system has POSIX permissions. See {@link IdentityFiles} for the file names.
     *
     * @throws IdentityFileException if a file is there but unusable, or only one of the two is
     *     there; the files are then left as they are
     * @throws IOException if the directory or the files cannot be created or read
     */
    public static NodeIdentity loadOrCreate(Path dataDirectory) throws IOException {
        return new IdentityFiles(dataDirectory).loadOrCreate();
    }

    /** A new identity that lives in memory only: for tests, and for a gateway without a data directory. */
    public static NodeIdentity ephemeral() {
        return generate();
    }

    /** A fresh key pair and its self-signed certificate. */
    static NodeIdentity generate() {
        KeyPair keyPair = generateKeyPair();
        String nodeId = fingerprint(keyPair.getPublic());
        return new NodeIdentity(keyPair.getPrivate(), NodeCertificates.issue(keyPair, nodeId));
    }

    /**
     * The node id of {@code publicKey}: lowercase hex of the SHA-256 digest of its X.509
     * SubjectPublicKeyInfo encoding ({@link PublicKey#getEncoded()}), {@value NodeIds#LENGTH}
     * characters. The same digest from the shell:
     * {@code openssl x509 -in node-cert.pem -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum}.
     */
    public static String fingerprint(PublicKey publicKey) {
        Objects.requireNonNull(publicKey, "publicKey");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public String nodeId() {
        return nodeId;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Names the node only: the private key must never reach a log. */
    @Override
    public String toString() {
        return "NodeIdentity[" + nodeId + "]";
    }

    private static KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(KEY_ALGORITHM);
            generator.initialize(new ECGenParameterSpec(CURVE));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate " + CURVE + " key pairs", e);
        }
    }
}
