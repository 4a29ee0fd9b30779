import { IsConnectionId } from '../connection-id.js';

export class RegisterTicketQuery {
  @IsConnectionId()
  connectionId: string;
}
