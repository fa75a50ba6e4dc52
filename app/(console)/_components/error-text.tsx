import { splitErrorMessage } from "@/app/_components/error-message";

/** A recorded cloud error: code and first sentence, the rest of Azure's message folded away. */
export function ErrorText({ code, message, className }: { code?: string | null; message: string; className?: string }) {
  const { headline, rest } = splitErrorMessage(message);
  return (
    <div className={`font-mono text-xs ${className ?? ""}`}>
      <p>
        {code ? `${code}: ` : ""}
        {headline}
      </p>
      {rest && (
        <details className="mt-1">
          <summary className="cursor-pointer font-sans">Full message</summary>
          <p className="mt-1 [overflow-wrap:anywhere]">{rest}</p>
        </details>
      )}
    </div>
  );
}
