import type { ContactDetails, LeadAnswer, LeadSource } from './lead.js';
import type { Platform } from './platform.js';

/**
 * What a platform adapter extracts from a delivery before normalization: values as the platform
 * gave them (raw phone, untrimmed email). The domain turns it into the normalized lead.
 */
export interface LeadDraft {
  platform: Platform;
  platformLeadId: string;
  contact: Partial<ContactDetails>;
  source: LeadSource;
  answers: LeadAnswer[];
  submittedAt?: Date;
}
