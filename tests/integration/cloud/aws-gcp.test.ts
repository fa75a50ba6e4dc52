// Real AWS SDK v3 Secrets Manager client and real @google-cloud/secret-manager (REST fallback) against the local cloud.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  SecretsManagerClient,
  CreateSecretCommand,
  PutSecretValueCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  UpdateSecretCommand,
  TagResourceCommand,
  DeleteSecretCommand,
  ResourceNotFoundException,
  ResourceExistsException,
  InvalidRequestException,
  paginateListSecrets,
} from "@aws-sdk/client-secrets-manager";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { OAuth2Client } from "google-auth-library";
import { startCloud, CANARY_PREFIX, type LocalCloud } from "../../cloud";

let cloud: LocalCloud;
let aws: SecretsManagerClient;
let gcp: SecretManagerServiceClient;

beforeAll(async () => {
  cloud = await startCloud({ estate: "demo", throttling: false });
  aws = new SecretsManagerClient({
    endpoint: cloud.env.AWS_SECRETS_MANAGER_ENDPOINT,
    region: cloud.env.AWS_REGION,
    credentials: { accessKeyId: cloud.env.AWS_ACCESS_KEY_ID, secretAccessKey: cloud.env.AWS_SECRET_ACCESS_KEY },
    maxAttempts: 1,
  });
  const url = new URL(cloud.env.GCP_SECRET_MANAGER_ENDPOINT);
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: "local-cloud-token", expiry_date: Date.now() + 3600_000 });
  gcp = new SecretManagerServiceClient({
    apiEndpoint: url.hostname,
    port: Number(url.port),
    protocol: "http",
    fallback: true,
    authClient,
  } as never);
});
afterAll(async () => {
  aws?.destroy();
  await gcp?.close();
  await cloud?.stop();
});

describe("AWS Secrets Manager", () => {
  test("ListSecrets pages with NextToken over the seeded secrets", async () => {
    const names: string[] = [];
    for await (const page of paginateListSecrets({ client: aws, pageSize: 10 }, {}))
      for (const s of page.SecretList ?? []) names.push(s.Name!);
    expect(names.sort()).toEqual(cloud.control.awsSecrets());
    expect(cloud.control.count("aws.ListSecrets")).toBe(3);
    const first = (await aws.send(new ListSecretsCommand({ MaxResults: 1 }))).SecretList![0];
    expect(first.CreatedDate).toBeInstanceOf(Date);
    expect(first.SecretVersionsToStages).toBeTruthy();
  });

  test("Create → Get → Put (AWSCURRENT/AWSPREVIOUS) → Describe → Update → Tag → Delete", async () => {
    const c = await aws.send(
      new CreateSecretCommand({
        Name: "test/app/db",
        SecretString: `${CANARY_PREFIX}v1aaaaaaaaaaaa`,
        Description: "db",
        Tags: [{ Key: "owner", Value: "me" }],
      }),
    );
    expect(c.ARN).toMatch(/^arn:aws:secretsmanager:eu-west-1:\d{12}:secret:test\/app\/db-\w{6}$/);
    await expect(aws.send(new CreateSecretCommand({ Name: "test/app/db", SecretString: "x" }))).rejects.toBeInstanceOf(
      ResourceExistsException,
    );
    const g1 = await aws.send(new GetSecretValueCommand({ SecretId: "test/app/db" }));
    expect(g1.SecretString).toBe(`${CANARY_PREFIX}v1aaaaaaaaaaaa`);
    expect(g1.VersionStages).toEqual(["AWSCURRENT"]);
    const p = await aws.send(
      new PutSecretValueCommand({
        SecretId: c.ARN,
        SecretString: `${CANARY_PREFIX}v2bbbbbbbbbbbb`,
        ClientRequestToken: "11111111-2222-3333-4444-555555555555",
      }),
    );
    expect(p.VersionId).toBe("11111111-2222-3333-4444-555555555555");
    const prev = await aws.send(new GetSecretValueCommand({ SecretId: "test/app/db", VersionStage: "AWSPREVIOUS" }));
    expect(prev.SecretString).toBe(`${CANARY_PREFIX}v1aaaaaaaaaaaa`);
    const d = await aws.send(new DescribeSecretCommand({ SecretId: "test/app/db" }));
    expect(d.VersionIdsToStages![p.VersionId!]).toEqual(["AWSCURRENT"]);
    expect(d.VersionIdsToStages![g1.VersionId!]).toEqual(["AWSPREVIOUS"]);
    expect(d.LastChangedDate).toBeInstanceOf(Date);
    const u = await aws.send(
      new UpdateSecretCommand({
        SecretId: "test/app/db",
        Description: "db2",
        SecretString: `${CANARY_PREFIX}v3cccccccccccc`,
      }),
    );
    expect(u.VersionId).toBeTruthy();
    expect(cloud.control.awsSecret("test/app/db").versions.length).toBe(3);
    await aws.send(new TagResourceCommand({ SecretId: "test/app/db", Tags: [{ Key: "env", Value: "test" }] }));
    expect((await aws.send(new DescribeSecretCommand({ SecretId: "test/app/db" }))).Tags).toEqual([
      { Key: "owner", Value: "me" },
      { Key: "env", Value: "test" },
    ]);
    const del = await aws.send(new DeleteSecretCommand({ SecretId: "test/app/db", RecoveryWindowInDays: 7 }));
    expect(del.DeletionDate!.getTime()).toBeGreaterThan(Date.now() + 6 * 86400_000);
    await expect(aws.send(new GetSecretValueCommand({ SecretId: "test/app/db" }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
    await expect(aws.send(new GetSecretValueCommand({ SecretId: "nope" }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  test("an Authorization header is required", async () => {
    const r = await fetch(cloud.env.AWS_SECRETS_MANAGER_ENDPOINT, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.ListSecrets" },
      body: "{}",
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { __type: string }).__type).toBe("MissingAuthenticationTokenException");
  });
});

// Note: with google-gax 5 (fallback) + google-auth-library 10, HTTP errors surface as GaxiosError with the HTTP status
// (409/404), not as gRPC codes (6/5) — the same happens against the real service, since gaxios rejects non-2xx first.
describe("GCP Secret Manager (REST fallback)", () => {
  const project = () => cloud.env.GCP_PROJECT_ID;
  test("list (auto-paginated), create, addVersion, access, versions list, disable, delete", async () => {
    const [secrets] = await gcp.listSecrets({ parent: `projects/${project()}`, pageSize: 4 });
    expect(secrets.map((s) => s.name!.split("/").pop()).sort()).toEqual(cloud.control.gcpSecrets());
    expect(cloud.control.count("gcp.secrets.list")).toBe(Math.ceil(cloud.control.gcpSecrets().length / 4));

    const [created] = await gcp.createSecret({
      parent: `projects/${project()}`,
      secretId: "rotated-key",
      secret: { replication: { automatic: {} }, labels: { owner: "me" } },
    });
    expect(created.name).toMatch(/^projects\/\d+\/secrets\/rotated-key$/);
    await expect(
      gcp.createSecret({
        parent: `projects/${project()}`,
        secretId: "rotated-key",
        secret: { replication: { automatic: {} } },
      }),
    ).rejects.toMatchObject({ status: 409 });
    const [got] = await gcp.getSecret({ name: `projects/${project()}/secrets/rotated-key` });
    expect(got.labels).toEqual({ owner: "me" });
    const [v1] = await gcp.addSecretVersion({
      parent: `projects/${project()}/secrets/rotated-key`,
      payload: { data: Buffer.from(`${CANARY_PREFIX}gcpv1xxxxxxxxxx`) },
    });
    expect(v1.name).toMatch(/\/versions\/1$/);
    expect(v1.state).toBe("ENABLED");
    await gcp.addSecretVersion({
      parent: `projects/${project()}/secrets/rotated-key`,
      payload: { data: Buffer.from(`${CANARY_PREFIX}gcpv2xxxxxxxxxx`) },
    });
    const [acc] = await gcp.accessSecretVersion({ name: `projects/${project()}/secrets/rotated-key/versions/latest` });
    expect(Buffer.from(acc.payload!.data as Uint8Array).toString()).toBe(`${CANARY_PREFIX}gcpv2xxxxxxxxxx`);
    const [versions] = await gcp.listSecretVersions({ parent: `projects/${project()}/secrets/rotated-key` });
    expect(versions.map((v) => v.name!.split("/").pop())).toEqual(["2", "1"]);
    const [dis] = await gcp.disableSecretVersion({ name: `projects/${project()}/secrets/rotated-key/versions/2` });
    expect(dis.state).toBe("DISABLED");
    const [acc2] = await gcp.accessSecretVersion({ name: `projects/${project()}/secrets/rotated-key/versions/latest` });
    expect(Buffer.from(acc2.payload!.data as Uint8Array).toString()).toBe(`${CANARY_PREFIX}gcpv1xxxxxxxxxx`);
    await gcp.deleteSecret({ name: `projects/${project()}/secrets/rotated-key` });
    await expect(gcp.getSecret({ name: `projects/${project()}/secrets/rotated-key` })).rejects.toMatchObject({
      status: 404,
    });
    const log = cloud.control.log({ service: "gcp" });
    expect(log.every((e) => e.path.startsWith("/v1/projects/"))).toBe(true);
  });

  test("enum-encoding=int is honoured on the wire", async () => {
    const id = cloud.control.gcpSecrets()[0];
    const r = await fetch(
      `${cloud.env.GCP_SECRET_MANAGER_ENDPOINT}/v1/projects/${project()}/secrets/${id}/versions/1?$alt=json%3Benum-encoding=int`,
      { headers: { authorization: "Bearer x" } },
    );
    expect(((await r.json()) as { state: unknown }).state).toBe(1);
    const r2 = await fetch(
      `${cloud.env.GCP_SECRET_MANAGER_ENDPOINT}/v1/projects/${project()}/secrets/${id}/versions/1`,
      { headers: { authorization: "Bearer x" } },
    );
    expect(((await r2.json()) as { state: unknown }).state).toBe("ENABLED");
    const r3 = await fetch(`${cloud.env.GCP_SECRET_MANAGER_ENDPOINT}/v1/projects/${project()}/secrets`);
    expect(r3.status).toBe(401);
  });
});
