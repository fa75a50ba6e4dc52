/** The endpoints of the national Azure clouds (AZURE_CLOUD); `Custom` takes them from the environment instead. */
export const AZURE_CLOUD_ENDPOINTS: Record<
  "AzurePublic" | "AzureUSGovernment" | "AzureChina",
  { arm: string; graph: string; authority: string; portal: string }
> = {
  AzurePublic: {
    arm: "https://management.azure.com",
    graph: "https://graph.microsoft.com",
    authority: "https://login.microsoftonline.com",
    portal: "https://portal.azure.com",
  },
  AzureUSGovernment: {
    arm: "https://management.usgovcloudapi.net",
    graph: "https://graph.microsoft.us",
    authority: "https://login.microsoftonline.us",
    portal: "https://portal.azure.us",
  },
  AzureChina: {
    arm: "https://management.chinacloudapi.cn",
    graph: "https://microsoftgraph.chinacloudapi.cn",
    authority: "https://login.chinacloudapi.cn",
    portal: "https://portal.azure.cn",
  },
};
