import { Module } from '@nestjs/common';
import { BranchesController, EmployeesController, TeamsController } from './organisation.controllers.js';
import { OrganisationService } from './organisation.service.js';

@Module({ controllers: [BranchesController, TeamsController, EmployeesController], providers: [OrganisationService] })
export class OrganisationModule {}
