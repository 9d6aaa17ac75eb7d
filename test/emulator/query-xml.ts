// The AWS Query protocol's XML answers, as the SDK's AwsQueryProtocol parses them.

export const REDSHIFT_NS = 'http://redshift.amazonaws.com/doc/2012-12-01/';
export const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…</ResponseMetadata></ActionResponse>` */
export function resultDocument(action: string, namespace: string, resultXml: string, requestId: string): string {
  return (
    `<${action}Response xmlns="${namespace}"><${action}Result>${resultXml}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` */
export function errorDocument(namespace: string, fault: WireFault, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${fault.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
    `<Code>${fault.code}</Code><Message>${escapeXml(fault.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

/** An error as it travels: the wire code (not the SDK's class name), the HTTP status and a message. */
export interface WireFault {
  code: string;
  status: number;
  message: string;
}
