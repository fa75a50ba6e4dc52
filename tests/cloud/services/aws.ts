// AWS Secrets Manager, JSON 1.1 protocol: POST / with X-Amz-Target: secretsmanager.<Operation>.
// SigV4 is not verified, but an Authorization header must be present.
import type { IncomingMessage, ServerResponse } from "node:http";
import crypto from "node:crypto";
import { applyFault, readBody, send, sleep, type Reply } from "../core";
import type { AwsSecret, AwsVersion, CloudState } from "../state";

const CT = "application/x-amz-json-1.1";

function err(type: string, message: string, status = 400): Reply {
  return { status, body: { __type: type, message, Message: message }, contentType: CT };
}
const ok = (body: unknown): Reply => ({ status: 200, body, contentType: CT });
const nowF = () => Date.now() / 1000;

export function createAwsHandler(s: CloudState) {
  const rt = s.rt;

  function find(id: unknown): AwsSecret | undefined {
    if (typeof id !== "string") return undefined;
    const direct = s.aws.get(id);
    if (direct) return direct;
    for (const x of s.aws.values()) if (x.arn === id || (id.startsWith("arn:") && x.arn.startsWith(id))) return x;
    return undefined;
  }
  const notFound = () => err("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
  const deletedErr = (op: string) =>
    err(
      "InvalidRequestException",
      `You can't perform this operation on the secret because it was marked for deletion.${op ? "" : ""}`,
    );
  const stagesMap = (x: AwsSecret) =>
    Object.fromEntries(x.versions.filter((v) => v.stages.length).map((v) => [v.versionId, v.stages]));
  const current = (x: AwsSecret) => x.versions.find((v) => v.stages.includes("AWSCURRENT"));

  function addVersion(
    x: AwsSecret,
    token: string | undefined,
    str: unknown,
    bin: unknown,
    stages?: string[],
  ): AwsVersion | Reply {
    const versionId = typeof token === "string" && token ? token : crypto.randomUUID();
    const existing = x.versions.find((v) => v.versionId === versionId);
    if (existing) {
      if (existing.value === str && existing.binary === bin) return existing;
      return err("ResourceExistsException", "You can't modify an existing version, you can only create a new version.");
    }
    const wanted = stages && stages.length ? stages : ["AWSCURRENT"];
    const v: AwsVersion = {
      versionId,
      value: typeof str === "string" ? str : undefined,
      binary: typeof bin === "string" ? bin : undefined,
      stages: [],
      created: nowF(),
    };
    for (const st of wanted) {
      const holder = x.versions.find((o) => o.stages.includes(st));
      if (holder) holder.stages = holder.stages.filter((z) => z !== st);
      if (st === "AWSCURRENT" && holder) {
        for (const o of x.versions) o.stages = o.stages.filter((z) => z !== "AWSPREVIOUS");
        holder.stages.push("AWSPREVIOUS");
      }
      v.stages.push(st);
    }
    x.versions.push(v);
    // versions without stages are deprecated; AWS keeps ~100, we keep 20
    if (x.versions.length > 20)
      x.versions = x.versions.filter((o, i) => o.stages.length || i >= x.versions.length - 20);
    x.lastChanged = nowF();
    return v;
  }

  const ops: Record<string, (b: Record<string, unknown>) => Reply> = {
    CreateSecret(b) {
      const name = b.Name;
      if (typeof name !== "string" || !name) return err("InvalidParameterException", "Name is required.");
      const ex = s.aws.get(name);
      if (ex?.deletedDate)
        return err(
          "InvalidRequestException",
          "You can't create this secret because a secret with this name is already scheduled for deletion.",
        );
      if (ex) return err("ResourceExistsException", `The operation failed because the secret ${name} already exists.`);
      const x: AwsSecret = {
        arn: s.awsArn(name),
        name,
        description: typeof b.Description === "string" ? b.Description : undefined,
        kmsKeyId: typeof b.KmsKeyId === "string" ? b.KmsKeyId : undefined,
        tags: Array.isArray(b.Tags) ? (b.Tags as AwsSecret["tags"]) : [],
        versions: [],
        created: nowF(),
        lastChanged: nowF(),
        rotationEnabled: false,
      };
      let versionId: string | undefined;
      if (b.SecretString !== undefined || b.SecretBinary !== undefined) {
        const v = addVersion(x, b.ClientRequestToken as string | undefined, b.SecretString, b.SecretBinary);
        if ("status" in v) return v;
        versionId = v.versionId;
      }
      s.aws.set(name, x);
      return ok({ ARN: x.arn, Name: x.name, ...(versionId ? { VersionId: versionId } : {}) });
    },
    PutSecretValue(b) {
      const x = find(b.SecretId);
      if (!x) return notFound();
      if (x.deletedDate) return deletedErr("put");
      if (b.SecretString === undefined && b.SecretBinary === undefined)
        return err("InvalidRequestException", "You must provide either SecretString or SecretBinary.");
      const v = addVersion(
        x,
        b.ClientRequestToken as string | undefined,
        b.SecretString,
        b.SecretBinary,
        b.VersionStages as string[] | undefined,
      );
      if ("status" in v) return v;
      return ok({ ARN: x.arn, Name: x.name, VersionId: v.versionId, VersionStages: v.stages });
    },
    DescribeSecret(b) {
      const x = find(b.SecretId);
      if (!x) return notFound();
      const o: Record<string, unknown> = { ARN: x.arn, Name: x.name };
      if (x.description !== undefined) o.Description = x.description;
      if (x.kmsKeyId) o.KmsKeyId = x.kmsKeyId;
      o.RotationEnabled = x.rotationEnabled;
      if (x.rotationEnabled) {
        o.RotationLambdaARN = `arn:aws:lambda:${s.estate.aws.region}:${s.estate.aws.accountId}:function:rotate-${x.name.replace(/\W/g, "-")}`;
        o.RotationRules = { AutomaticallyAfterDays: 30 };
        o.LastRotatedDate = x.lastChanged;
        o.NextRotationDate = x.lastChanged + 30 * 86400;
      }
      o.LastChangedDate = x.lastChanged;
      if (x.lastAccessed) o.LastAccessedDate = x.lastAccessed;
      if (x.deletedDate) o.DeletedDate = x.deletedDate;
      o.Tags = x.tags;
      o.VersionIdsToStages = stagesMap(x);
      o.CreatedDate = x.created;
      return ok(o);
    },
    GetSecretValue(b) {
      const x = find(b.SecretId);
      if (!x) return notFound();
      if (x.deletedDate) return deletedErr("get");
      let v: AwsVersion | undefined;
      if (typeof b.VersionId === "string") v = x.versions.find((o) => o.versionId === b.VersionId);
      else
        v = x.versions.find((o) =>
          o.stages.includes(typeof b.VersionStage === "string" ? b.VersionStage : "AWSCURRENT"),
        );
      if (!v)
        return err(
          "ResourceNotFoundException",
          "Secrets Manager can't find the specified secret value for staging label: " +
            (b.VersionStage ?? "AWSCURRENT"),
        );
      x.lastAccessed = Math.floor(Date.now() / 86400000) * 86400;
      const o: Record<string, unknown> = { ARN: x.arn, Name: x.name, VersionId: v.versionId };
      if (v.value !== undefined) o.SecretString = v.value;
      if (v.binary !== undefined) o.SecretBinary = v.binary;
      o.VersionStages = v.stages;
      o.CreatedDate = v.created;
      return ok(o);
    },
    ListSecrets(b) {
      const max = b.MaxResults === undefined ? 100 : Number(b.MaxResults);
      if (!Number.isInteger(max) || max < 1 || max > 100)
        return err("InvalidParameterException", "MaxResults must be between 1 and 100.");
      let items = [...s.aws.values()]
        .filter((x) => (b.IncludePlannedDeletion ? true : !x.deletedDate))
        .sort((a, c) => (a.name < c.name ? -1 : 1));
      const filters = Array.isArray(b.Filters) ? (b.Filters as { Key: string; Values: string[] }[]) : [];
      for (const f of filters) {
        const vals = (f.Values ?? []).map((v) => v.toLowerCase());
        items = items.filter((x) => {
          if (f.Key === "name") return vals.some((v) => x.name.toLowerCase().startsWith(v));
          if (f.Key === "description") return vals.some((v) => (x.description ?? "").toLowerCase().startsWith(v));
          if (f.Key === "tag-key") return vals.some((v) => x.tags.some((t) => t.Key.toLowerCase().startsWith(v)));
          if (f.Key === "tag-value") return vals.some((v) => x.tags.some((t) => t.Value.toLowerCase().startsWith(v)));
          if (f.Key === "all")
            return vals.some(
              (v) => x.name.toLowerCase().includes(v) || (x.description ?? "").toLowerCase().includes(v),
            );
          return true;
        });
      }
      let start = 0;
      if (typeof b.NextToken === "string") {
        try {
          start = Number(JSON.parse(Buffer.from(b.NextToken, "base64").toString()).o) || 0;
        } catch {
          return err("InvalidNextTokenException", "The NextToken value is invalid.");
        }
      }
      const page = items.slice(start, start + max);
      const out: Record<string, unknown> = {
        SecretList: page.map((x) => {
          const o: Record<string, unknown> = { ARN: x.arn, Name: x.name };
          if (x.description !== undefined) o.Description = x.description;
          if (x.kmsKeyId) o.KmsKeyId = x.kmsKeyId;
          o.RotationEnabled = x.rotationEnabled;
          if (x.rotationEnabled) o.RotationRules = { AutomaticallyAfterDays: 30 };
          o.LastChangedDate = x.lastChanged;
          if (x.lastAccessed) o.LastAccessedDate = x.lastAccessed;
          if (x.deletedDate) o.DeletedDate = x.deletedDate;
          o.Tags = x.tags;
          o.SecretVersionsToStages = stagesMap(x);
          o.CreatedDate = x.created;
          return o;
        }),
      };
      if (start + max < items.length)
        out.NextToken = Buffer.from(JSON.stringify({ o: start + max })).toString("base64");
      return ok(out);
    },
    UpdateSecret(b) {
      const x = find(b.SecretId);
      if (!x) return notFound();
      if (x.deletedDate) return deletedErr("update");
      if (typeof b.Description === "string") x.description = b.Description;
      if (typeof b.KmsKeyId === "string") x.kmsKeyId = b.KmsKeyId;
      const o: Record<string, unknown> = { ARN: x.arn, Name: x.name };
      if (b.SecretString !== undefined || b.SecretBinary !== undefined) {
        const v = addVersion(x, b.ClientRequestToken as string | undefined, b.SecretString, b.SecretBinary);
        if ("status" in v) return v;
        o.VersionId = v.versionId;
      }
      x.lastChanged = nowF();
      return ok(o);
    },
    TagResource(b) {
      const x = find(b.SecretId);
      if (!x) return notFound();
      for (const t of (b.Tags as AwsSecret["tags"]) ?? []) {
        const e = x.tags.find((y) => y.Key === t.Key);
        if (e) e.Value = t.Value;
        else x.tags.push({ Key: t.Key, Value: t.Value });
      }
      return { status: 200, contentType: CT, body: "" };
    },
    UntagResource(b) {
      const x = find(b.SecretId);
      if (!x) return notFound();
      const keys = (b.TagKeys as string[]) ?? [];
      x.tags = x.tags.filter((t) => !keys.includes(t.Key));
      return { status: 200, contentType: CT, body: "" };
    },
    DeleteSecret(b) {
      const x = find(b.SecretId);
      if (!x) return notFound();
      const force = b.ForceDeleteWithoutRecovery === true;
      const days = b.RecoveryWindowInDays === undefined ? 30 : Number(b.RecoveryWindowInDays);
      if (force && b.RecoveryWindowInDays !== undefined)
        return err(
          "InvalidParameterException",
          "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
        );
      if (!force && (days < 7 || days > 30))
        return err(
          "InvalidParameterException",
          "RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
        );
      const when = nowF() + (force ? 0 : days * 86400);
      if (force) s.aws.delete(x.name);
      else x.deletedDate = when;
      return ok({ ARN: x.arn, Name: x.name, DeletionDate: when });
    },
    RestoreSecret(b) {
      const x = find(b.SecretId);
      if (!x) return notFound();
      x.deletedDate = undefined;
      return ok({ ARN: x.arn, Name: x.name });
    },
    ListSecretVersionIds(b) {
      const x = find(b.SecretId);
      if (!x) return notFound();
      return ok({
        ARN: x.arn,
        Name: x.name,
        Versions: x.versions.map((v) => ({ VersionId: v.versionId, VersionStages: v.stages, CreatedDate: v.created })),
      });
    },
  };

  const errorBody = (status: number, code: string, message: string) => ({
    __type:
      status === 429
        ? "ThrottlingException"
        : status === 503
          ? "ServiceUnavailable"
          : status >= 500
            ? "InternalServiceError"
            : code,
    message,
  });

  return async function handle(req: IncomingMessage, res: ServerResponse) {
    const t0 = performance.now();
    const method = req.method ?? "GET";
    const target = String(req.headers["x-amz-target"] ?? "");
    const opName = target.startsWith("secretsmanager.") ? target.slice("secretsmanager.".length) : "";
    const op = `aws.${opName || "unknown"}`;
    const raw = await readBody(req);
    const finish = (status: number, f?: import("../core").FaultOutcome["kind"]) =>
      rt.record({ service: "aws", op, method, path: "/", status, ms: performance.now() - t0, fault: f });
    if (method !== "POST" || !ops[opName]) {
      send(res, err("UnknownOperationException", `Unknown operation ${target}`));
      rt.count(op);
      return finish(400);
    }
    if (!req.headers.authorization) {
      send(res, err("MissingAuthenticationTokenException", "Missing Authentication Token", 400));
      rt.count("aws.unauthorized");
      return finish(400);
    }
    rt.count(op);
    const fault = rt.checkFault({ service: "aws", op, method, path: "/" });
    const delay = rt.delayFor("aws") + (fault.kind === "latency" ? fault.delayMs : 0);
    if (delay) await sleep(delay);
    if (fault.kind === "status") fault.headers["content-type"] = CT;
    if (applyFault(rt, res, fault, errorBody)) return finish(fault.kind === "status" ? fault.status : 0, fault.kind);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString("utf8") || "{}");
    } catch {
      send(res, err("SerializationException", "Malformed JSON"));
      return finish(400);
    }
    let r: Reply;
    try {
      r = ops[opName](body);
    } catch (e) {
      r = err("InternalServiceError", (e as Error).message, 500);
    }
    r.headers = { "x-amzn-requestid": crypto.randomUUID(), ...(r.headers ?? {}) };
    send(res, r);
    finish(r.status);
  };
}
