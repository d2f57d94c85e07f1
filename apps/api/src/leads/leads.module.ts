import { Module } from '@nestjs/common';
import { LeadWhatsAppController } from './lead-whatsapp.controller.js';
import { LeadsController } from './leads.controller.js';
import { LeadsService } from './leads.service.js';

@Module({ controllers: [LeadsController, LeadWhatsAppController], providers: [LeadsService] })
export class LeadsModule {}
